"""The action plan's pages, one module a use case, all on the one `actions` blueprint (its URLs are in
tracker/actions/blueprint.py)."""
