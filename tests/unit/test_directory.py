"""What a council's directory says about a person: settings lists, role mapping, the council's own addresses."""

from __future__ import annotations

import pytest

from tracker.domain.directory import (
    account_email,
    claim_values,
    directory_id,
    is_council_address,
    mapped_role,
    parse_role_map,
    setting_list,
)


def test_a_setting_list_is_trimmed_and_drops_empty_values() -> None:
    assert setting_list(" a, b ,,c ") == ("a", "b", "c")
    assert setting_list("") == ()


def test_role_map_pairs_claim_values_with_roles() -> None:
    text = "Tracker.Admin=admin, 5b1e0f9c-8d2a-4e6b-a7c3-2f9d8e1b0a64 = service_manager"
    assert parse_role_map(text) == {
        "Tracker.Admin": "admin",
        "5b1e0f9c-8d2a-4e6b-a7c3-2f9d8e1b0a64": "service_manager",
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Tracker.Admin", "is not 'claim value=role'"),
        ("=admin", "is not 'claim value=role'"),
        ("Tracker.Boss=boss", "'boss' is not a role"),
        ("A=admin,A=viewer", "'A' is mapped to both admin and viewer"),
    ],
)
def test_a_role_map_that_cannot_work_says_why(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_role_map(text)


def test_the_most_powerful_mapped_role_wins_and_unmapped_values_are_ignored() -> None:
    roles = {"V": "viewer", "PM": "programme_manager", "SM": "service_manager", "A": "admin"}
    assert mapped_role(["V", "PM", "other"], roles) == "programme_manager"
    assert mapped_role(["SM", "A"], roles) == "admin"
    assert mapped_role(["other"], roles) is None
    assert mapped_role([], roles) is None


def test_claim_values_take_a_list_or_a_lone_string_and_nothing_else() -> None:
    assert claim_values({"roles": ["A", 3, "B"]}, "roles") == ("A", "B")
    assert claim_values({"roles": "A"}, "roles") == ("A",)
    assert claim_values({"roles": {"A": 1}}, "roles") == ()
    assert claim_values({}, "groups") == ()


def test_council_addresses_are_at_its_domains_or_their_subdomains() -> None:
    domains = ("leicester.gov.uk",)
    assert is_council_address("Jo.Smith@Leicester.gov.uk", domains)
    assert is_council_address("jo@schools.leicester.gov.uk", domains)
    assert not is_council_address("jo@notleicester.gov.uk", domains)
    assert not is_council_address("jo@leicester.gov.uk.example.com", domains)
    assert not is_council_address("leicester.gov.uk", domains)
    assert not is_council_address("jo@leicester.gov.uk", ())


def test_the_directory_id_is_the_object_id_else_the_subject() -> None:
    assert directory_id({"oid": "o-1", "sub": "s-1"}) == "o-1"
    assert directory_id({"sub": "s-1"}) == "s-1"
    assert directory_id({"oid": " ", "sub": ""}) is None


def test_the_account_email_is_email_else_an_address_like_preferred_username() -> None:
    assert account_email({"email": "Jo@Council.test", "preferred_username": "x@y.test"}) == "jo@council.test"
    assert account_email({"preferred_username": "jo@council.test"}) == "jo@council.test"
    assert account_email({"preferred_username": "jo"}) is None
