"""Common passwords are refused however they are dressed up; ordinary long passphrases are not."""

from __future__ import annotations

import pytest

from tracker.auth.passwords import COMMON_PASSWORDS_FILE, is_common
from tracker.auth.services import password_problem


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password1234!",  # a common word with digits and a symbol added
        "P@ssw0rd2024!",  # letter swaps undone
        "2024sunshine!!",  # trimmed from the front as well
        "monkey12345678",
        "iloveyou2026!!",
        "qwertyuiopasdf",  # along the keyboard
        "1qaz2wsx3edc4rfv",  # down the keyboard's columns
        "ZYXWVUTSRQPO",  # the alphabet backwards
        "123qweasdzxc",  # itself in the list
    ],
)
def test_common_passwords_and_their_variants_are_refused(password: str) -> None:
    assert is_common(password)
    assert "too easy to guess" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Leicester-inspection-2026", "blue kettle morning", "demo-tracker-password"],
)
def test_long_unusual_passphrases_are_accepted(password: str) -> None:
    assert not is_common(password)
    assert password_problem(password) is None


def test_the_list_is_the_thirty_thousand_most_common_in_lower_case() -> None:
    listed = [line.rstrip("\n") for line in COMMON_PASSWORDS_FILE.open(encoding="utf-8") if not line.startswith("#")]
    assert len(listed) == 30_000
    assert listed[:2] == ["123456", "password"]
    assert all(entry == entry.lower() and entry for entry in listed)


def test_length_comes_first_and_the_email_is_not_a_password() -> None:
    assert password_problem("short words") == "Password must be 12 characters or more"
    assert password_problem("sam.patel@leicester.gov.uk", email="Sam.Patel@leicester.gov.uk") is not None
