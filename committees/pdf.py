"""Old path of the committees' PDF renderers, kept importable: they live in `committees.documents`."""

from committees.documents import render_minutes_pdf, render_notification_letter_pdf

__all__ = ["render_minutes_pdf", "render_notification_letter_pdf"]
