"""Tagged PDF for every printed document: the writer and the finisher of its structure tree."""
