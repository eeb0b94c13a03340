"""The one error the importer raises."""


class UnreadableDocument(Exception):
    """An upload that cannot be read; str(exc) is a one-line reason to show the user."""
