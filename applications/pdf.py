"""Kept for `bench/run_bench.py`: the receipt now lives in `applications.documents.receipt`."""

from applications.documents.receipt import render_receipt_pdf

__all__ = ["render_receipt_pdf"]
