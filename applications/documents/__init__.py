"""The request's documents: one renderer per document (the filing receipt PDF, the staff inbox export)."""
