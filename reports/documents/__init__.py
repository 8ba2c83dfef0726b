"""One renderer per document: the bilans' PDFs, the annual report's PDF and workbook, the dashboard's exports."""
