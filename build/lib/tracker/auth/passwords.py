"""Common passwords (NCSC password guidance: prefer length, block the most common).

A password is common when it, or its core once digits and symbols are trimmed from either end and the usual
letter swaps (p@ssw0rd) are undone, is among the 30,000 most used passwords in common_passwords.txt, or is a run
along the keyboard or the alphabet. The list is read from disk each time someone chooses a password (a few
milliseconds), so no worker keeps it in memory.
"""

from __future__ import annotations

import string
from pathlib import Path

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
_TRIMMED = string.digits + string.punctuation + string.whitespace
# Keyboard rows and columns and the alphabet: "qwertyuiopasdf" or "zyxwvuts" is no more a secret than "password".
_RUNS = (
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
)
_UNSWAPPED = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"})


def _forms(password: str) -> set[str]:
    lowered = password.lower()
    core = lowered.strip(_TRIMMED)
    forms = {lowered, core, lowered.translate(_UNSWAPPED), core.translate(_UNSWAPPED)}
    return {form for form in forms if form}


def is_common(password: str) -> bool:
    """Whether the password is, or is built on, one of the most common passwords."""
    forms = _forms(password)
    if any(form in run or form in run[::-1] for form in forms for run in _RUNS):
        return True
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as listed:
        return any(line.rstrip("\n") in forms for line in listed if not line.startswith("#"))
