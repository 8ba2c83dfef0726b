"""The files of one request in a bundle, in its readable layout:

    <reference>/demande.pdf                          the filing receipt (every field, budget, documents)
    <reference>/pieces/<document>                    attachments (never the bank details without full access)
    <reference>/messages.txt                         the thread between the holder and the association
    <reference>/decision/lettre.pdf                  the notification letter of the (last) decision
    <reference>/decision/proces-verbal.pdf           the minutes of that session
    <reference>/decision/<date>/...                  an earlier decision (e.g. deferred, then granted)
    <reference>/paiements.csv                        the payments
    <reference>/bilan/bilan.pdf, bilan/pieces/...    the filed bilan and its receipts and photos

Each document comes from its app's renderer; the minutes of a session are rendered once per bundle.
"""

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.text import get_valid_filename
from django.utils.timezone import localtime

from applications.documents.receipt import render_receipt_pdf
from applications.models import Application, Attachment, Message
from committees.documents import render_minutes_pdf, render_notification_letter_pdf
from committees.models import CommitteeSession, Decision, Payment
from core.tabular import write_csv
from reports.documents.bilan_pdf import render_cvs_bilan_pdf, render_pic_bilan_pdf
from reports.models import BilanAttachment, CvsBilan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str
    data: bytes


class MinutesCache:
    """The minutes PDF of each session, rendered at most once per bundle."""

    def __init__(self):
        self._pdfs: dict[int, bytes] = {}

    def get(self, session: CommitteeSession) -> bytes:
        if session.pk not in self._pdfs:
            self._pdfs[session.pk] = render_minutes_pdf(session=session)
        return self._pdfs[session.pk]


def _read(field_file) -> bytes | None:
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):
        logger.warning("Bundle: file %s is missing from the storage", field_file.name)
        return None


def _unique_name(name: str, taken: set[str]) -> str:
    name = get_valid_filename(name) or "document"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _files(prefix: str, kind: str, files) -> Iterator[Entry]:
    taken: set[str] = set()
    for item in files:
        data = _read(item.file)
        if data is not None:
            yield Entry(f"{prefix}/{_unique_name(item.original_name, taken)}", kind, data)


def _messages_text(application: Application) -> bytes:
    lines = []
    for message in Message.objects.filter(application=application).select_related("author").order_by("created_at"):
        author = message.author.get_full_name() or "—"
        lines.append(f"[{localtime(message.created_at):%d/%m/%Y %H:%M}] {author}\n{message.body.strip()}\n")
    return ("\n".join(lines) or "Aucun message.\n").encode("utf-8")


def _payments_csv(application: Application) -> bytes:
    stream = io.StringIO()
    rows = [
        (p.get_kind_display(), p.paid_on.isoformat(), p.amount, p.get_method_display(), p.reference)
        for p in Payment.objects.filter(application=application).order_by("paid_on", "id")
    ]
    write_csv(stream, headers=["type", "date", "montant", "mode", "reference"], rows=rows)
    return stream.getvalue().encode("utf-8")


def _decisions(prefix: str, application: Application, minutes: MinutesCache) -> Iterator[Entry]:
    decisions = list(
        Decision.objects.filter(item__application=application, item__session__status=CommitteeSession.Status.CLOSED)
        .select_related("item__session__committee__fund")
        .order_by("item__session__date", "pk")
    )
    for position, decision in enumerate(decisions):
        session = decision.item.session
        folder = f"{prefix}/decision" if position == len(decisions) - 1 else f"{prefix}/decision/{session.date}"
        yield Entry(f"{folder}/lettre.pdf", "lettre", render_notification_letter_pdf(decision=decision))
        yield Entry(f"{folder}/proces-verbal.pdf", "proces-verbal", minutes.get(session))


def _bilan(prefix: str, application: Application, *, full_access: bool) -> Iterator[Entry]:
    bilan = getattr(application, "bilan", None) or getattr(application, "cvs_bilan", None)
    if bilan is None or bilan.submitted_at is None:
        return  # a bilan not filed yet is the holder's draft
    if isinstance(bilan, CvsBilan):
        yield Entry(f"{prefix}/bilan/bilan.pdf", "bilan", render_cvs_bilan_pdf(bilan=bilan))
        return
    yield Entry(f"{prefix}/bilan/bilan.pdf", "bilan", render_pic_bilan_pdf(bilan=bilan))
    if full_access:
        pieces = BilanAttachment.objects.filter(bilan=bilan).order_by("kind", "uploaded_at", "id")
        yield from _files(f"{prefix}/bilan/pieces", "piece-bilan", pieces)


def application_entries(application: Application, *, full_access: bool, minutes: MinutesCache) -> Iterator[Entry]:
    """Every file of one filed request; without full access, only what the co-funders' pages show."""
    prefix = get_valid_filename(application.reference) or f"demande-{application.pk}"
    yield Entry(f"{prefix}/demande.pdf", "demande", render_receipt_pdf(application=application))
    attachments = Attachment.objects.filter(application=application).order_by("kind", "uploaded_at", "id")
    if not full_access:
        attachments = attachments.exclude(kind=Attachment.Kind.BANK_DETAILS)
    yield from _files(f"{prefix}/pieces", "piece", attachments)
    yield Entry(f"{prefix}/messages.txt", "messages", _messages_text(application))
    if full_access:
        yield from _decisions(prefix, application, minutes)
    yield Entry(f"{prefix}/paiements.csv", "paiements", _payments_csv(application))
    yield from _bilan(prefix, application, full_access=full_access)
