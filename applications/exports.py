"""Kept while committees/ and reports/ still import these names from here: the inbox export is
`applications.documents.inbox_export`, the cell writing is `core.tabular`."""

from core.tabular import CSV_CONTENT_TYPE, CSV_DELIMITER, neutralise_formula

__all__ = ["CSV_CONTENT_TYPE", "CSV_DELIMITER", "neutralise_formula"]
