"""Whether an email address can be used: one check for the forms, the command line and the outbox sender."""

from __future__ import annotations

EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def email_format_problem(email: str) -> str | None:
    """Why an email address is malformed, or None. The `test` domain is allowed: the demo log-ins use it."""
    # Imported on first use: its rules take a few hundredths of a second to compile, which no page but a form
    # with an email address needs (issue 17, start-up).
    import email_validator

    try:
        email_validator.validate_email(email, check_deliverability=False, test_environment=True)
    except email_validator.EmailNotValidError:
        return EMAIL_FORMAT_MESSAGE
    return None
