"""The committees' documents, one renderer per document: the minutes of a session, the notification
letter, the session pack (*dossier de séance*, built in the background) and the printable convocation letters.

All are rendered by `core.pdf.render_pdf` (tagged PDF/UA-1, local files only) from templates/committees/pdf/.
"""

from committees.documents.convocations import render_convocation_letters_pdf
from committees.documents.letters import render_notification_letter_pdf
from committees.documents.minutes import render_minutes_pdf
from committees.documents.session_pack import SESSION_PACK, render_session_pack_pdf

__all__ = [
    "SESSION_PACK",
    "render_convocation_letters_pdf",
    "render_minutes_pdf",
    "render_notification_letter_pdf",
    "render_session_pack_pdf",
]
