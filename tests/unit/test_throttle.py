"""Throttle rules: a few attempts, then growing waits (sign-in), or so many per window (emails, links)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker.domain.throttle import Counter, Rule, after_refund, decide, wait_in_words

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SIGN_IN = Rule("sign-in", limit=5, window=timedelta(days=1), delay=MINUTE, max_delay=15 * MINUTE)
EMAILS = Rule("emails", limit=3, window=timedelta(hours=1))


def _run(rule: Rule, moments: list[datetime]) -> list[bool]:
    counter, allowed = None, []
    for moment in moments:
        decision = decide(rule, counter, moment)
        allowed.append(decision.allowed)
        counter = decision.counter
    return allowed


def test_five_attempts_then_a_wait_that_doubles_up_to_fifteen_minutes() -> None:
    waits = [SIGN_IN.delay_after(n) for n in range(1, 12)]
    assert waits == [None, None, None, None, *(m * MINUTE for m in (1, 2, 4, 8, 15, 15, 15))]


def test_attempts_at_once_get_the_limit_and_no_more() -> None:
    assert _run(SIGN_IN, [NOW] * 40).count(True) == 5
    assert _run(EMAILS, [NOW] * 10).count(True) == 3


def test_after_each_wait_one_more_attempt() -> None:
    counter = None
    for _ in range(5):
        counter = decide(SIGN_IN, counter, NOW).counter
    refused = decide(SIGN_IN, counter, NOW + 59 * timedelta(seconds=1))
    assert not refused.allowed and refused.retry_at == NOW + MINUTE
    assert refused.retry_after_seconds(NOW) == 60
    sixth = decide(SIGN_IN, counter, NOW + MINUTE)
    assert sixth.allowed and sixth.counter.not_before == NOW + 3 * MINUTE
    assert not decide(SIGN_IN, sixth.counter, NOW + 2 * MINUTE).allowed


def test_a_window_rule_waits_for_the_window_to_end_and_then_starts_again() -> None:
    counter = Counter(3, NOW - timedelta(minutes=20))
    refused = decide(EMAILS, counter, NOW)
    assert not refused.allowed and refused.retry_at == NOW + timedelta(minutes=40)
    fresh = decide(EMAILS, counter, NOW + timedelta(minutes=40))
    assert fresh.allowed and fresh.counter == Counter(1, NOW + timedelta(minutes=40))


def test_a_refund_takes_an_attempt_back_and_lifts_the_wait_below_the_limit() -> None:
    at_limit = Counter(5, NOW, NOW + MINUTE)
    assert after_refund(SIGN_IN, at_limit) == Counter(4, NOW, None)
    assert after_refund(SIGN_IN, Counter(7, NOW, NOW + MINUTE)) == Counter(6, NOW, NOW + MINUTE)
    assert after_refund(SIGN_IN, Counter(0, NOW)) == Counter(0, NOW)


def test_waits_read_as_whole_minutes() -> None:
    assert [wait_in_words(s) for s in (1, 60, 61, 900)] == ["1 minute", "1 minute", "2 minutes", "15 minutes"]
