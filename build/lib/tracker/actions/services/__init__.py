"""Changing the action plan, one module a use case. Every change goes through the audit trail; services flush,
never commit, and never answer HTTP (a missing record is the loaders' NoResultFound)."""
