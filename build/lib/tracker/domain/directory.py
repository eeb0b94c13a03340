"""Reading what a council's directory says about a person: settings lists, the role its claims map to, and
whether an email address is one of the council's own.

Plain logic: the settings' text and the token's claims come in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# The tracker's roles, most powerful first: someone whose claims map to two roles gets the first of them.
ROLES_BY_POWER = ("admin", "programme_manager", "service_manager", "viewer")


def setting_list(text: str) -> tuple[str, ...]:
    """The comma-separated values of a setting, trimmed, empty ones dropped."""
    return tuple(value.strip() for value in text.split(",") if value.strip())


def parse_role_map(text: str) -> dict[str, str]:
    """`claim value=role` pairs, comma-separated, into {claim value: role}.

    Raises ValueError saying what is wrong: a pair without '=', a role the tracker does not have, or one claim value
    mapped twice.
    """
    mapping: dict[str, str] = {}
    for pair in setting_list(text):
        value, equals, role = (part.strip() for part in pair.rpartition("="))
        if not equals or not value or not role:
            raise ValueError(f"{pair!r} is not 'claim value=role'")
        if role not in ROLES_BY_POWER:
            raise ValueError(f"{role!r} is not a role; use one of {', '.join(ROLES_BY_POWER)}")
        if value in mapping and mapping[value] != role:
            raise ValueError(f"{value!r} is mapped to both {mapping[value]} and {role}")
        mapping[value] = role
    return mapping


def claim_values(claims: Mapping[str, object], name: str) -> tuple[str, ...]:
    """The values of a list claim (`roles`, `groups`); a lone string counts as a list of one, anything else as none."""
    value = claims.get(name)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def mapped_role(values: Iterable[str], role_map: Mapping[str, str]) -> str | None:
    """The most powerful tracker role that any of the claim's values maps to, or None when none maps."""
    roles = {role_map[value] for value in values if value in role_map}
    return next((role for role in ROLES_BY_POWER if role in roles), None)


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def is_council_address(email: str, council_domains: Sequence[str]) -> bool:
    """Whether the address is at one of the council's own domains (a subdomain counts: it is the council's too)."""
    domain = email_domain(email)
    if not domain or "@" not in email:
        return False
    return any(domain == own.lower() or domain.endswith("." + own.lower()) for own in council_domains)


def directory_id(claims: Mapping[str, object]) -> str | None:
    """The directory's immutable id for the person: Entra ID's object id (`oid`), else the subject (`sub`)."""
    for name in ("oid", "sub"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def account_email(claims: Mapping[str, object]) -> str | None:
    """The address to create an account with: `email`, else `preferred_username` when it is an address (Entra ID
    sends `email` only when the optional claim is configured; the user principal name usually is the address)."""
    for name in ("email", "preferred_username"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value.strip():
            return value.strip().lower()
    return None
