"""Statutory deadline commands: working-day arithmetic for support staff and scripts."""
