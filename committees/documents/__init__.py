"""The committees' documents, one renderer per document: the minutes of a session and the notification letter.

Both are rendered by `core.pdf.render_pdf` (tagged PDF/UA-1, local files only) from templates/committees/pdf/.
"""

from committees.documents.letters import render_notification_letter_pdf
from committees.documents.minutes import render_minutes_pdf

__all__ = ["render_minutes_pdf", "render_notification_letter_pdf"]
