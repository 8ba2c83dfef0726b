"""Documents built in the background: a PDF that may run to many pages is never rendered in a web request.

An app registers each kind of document from its AppConfig.ready() (core imports no app):

    core.generated_documents.register_document(
        "committees.session_pack",
        build=build_session_pack,            # key -> the file's bytes (the Celery task calls it)
        fingerprint=session_pack_fingerprint,  # key -> a short string that changes whenever the content would
        filename=session_pack_filename,      # key -> the download's file name
    )

Its views then call `current_document(kind=..., key=...)` (the newest row whose fingerprint matches what the
document would show now, or None), `request_document(kind=..., key=..., user=...)` (reuse that row when it is
pending or ready, else write a pending row and queue `core.tasks.build_generated_document` once the transaction
commits) and `file_response(document)`; the page `core/generated_document.html` shows "Document en préparation…"
with a refresh (meta refresh, no script) until the file is ready, then a download link, or what failed.

Without a broker (`make run`, tests), the task runs in-process after the commit (settings.CELERY_TASK_ALWAYS_EAGER).
A failed build is written on its row (`error`), never raised. A row left pending by a worker that died is
considered lost after GENERATED_DOCUMENT_STALE: asking again queues a new one. Once a build is ready, older
files of the same kind and key are deleted.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import download
from core.models import GeneratedDocument
from core.services import record_audit

logger = logging.getLogger(__name__)

Status = GeneratedDocument.Status
GENERATED_DOCUMENT_STALE = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    build: Callable[[str], bytes]
    fingerprint: Callable[[str], str]
    filename: Callable[[str], str]
    content_type: str = "application/pdf"


_KINDS: dict[str, DocumentKind] = {}


class UnknownDocumentKind(LookupError):
    pass


def register_document(
    name: str,
    *,
    build: Callable[[str], bytes],
    fingerprint: Callable[[str], str],
    filename: Callable[[str], str],
    content_type: str = "application/pdf",
) -> None:
    _KINDS[name] = DocumentKind(name, build, fingerprint, filename, content_type)


def get_kind(name: str) -> DocumentKind:
    try:
        return _KINDS[name]
    except KeyError as error:
        raise UnknownDocumentKind(f"No document kind named {name!r}") from error


def digest(*parts) -> str:
    """A fingerprint from the values a document shows (dates, ids, counts): 64 hex characters."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _alive(now: datetime.datetime) -> Q:
    """Rows worth waiting for or downloading: ready, or pending and not lost."""
    return Q(status=Status.READY) | Q(status=Status.PENDING, created_at__gte=now - GENERATED_DOCUMENT_STALE)


def current_document(*, kind: str, key, fingerprint: str | None = None) -> GeneratedDocument | None:
    """The newest row built (or being built, or failed) from what the document shows now; None if none."""
    fingerprint = fingerprint if fingerprint is not None else get_kind(kind).fingerprint(str(key))
    return (
        GeneratedDocument.objects.filter(kind=kind, key=str(key), fingerprint=fingerprint)
        .order_by("-created_at", "-id")
        .first()
    )


def request_document(*, kind: str, key, user) -> GeneratedDocument:
    """The up-to-date document of `kind` for `key`: an existing ready or pending row, else a new pending row
    whose build is queued once the caller's transaction commits. Audit-logged when a build is queued."""
    spec = get_kind(kind)
    key = str(key)
    with transaction.atomic():
        fingerprint = spec.fingerprint(key)
        existing = (
            GeneratedDocument.objects.filter(_alive(timezone.now()), kind=kind, key=key, fingerprint=fingerprint)
            .order_by("-created_at", "-id")
            .first()
        )
        if existing is not None:
            return existing
        document = GeneratedDocument(
            kind=kind, key=key, fingerprint=fingerprint, requested_by=user if user.is_authenticated else None
        )
        document.full_clean()
        document.save()
        record_audit(actor=user, action="core.request_document", target=document, summary=f"{kind} {key}")
        transaction.on_commit(lambda: enqueue_build(document.pk), robust=True)
    return document


def enqueue_build(pk: int) -> None:
    """Hand the build to the task queue (in-process when there is no broker)."""
    from core.tasks import build_generated_document

    build_generated_document.delay(pk)


def claim(pk: int) -> bool:
    """Take pending row `pk` for one build: True for exactly one caller (a conditional UPDATE)."""
    return (
        GeneratedDocument.objects.filter(pk=pk, status=Status.PENDING, started_at__isnull=True).update(
            started_at=timezone.now()
        )
        == 1
    )


def build(pk: int) -> GeneratedDocument | None:
    """The task's work: build pending row `pk`, store its file, mark it ready (or failed, with why)."""
    if not claim(pk):
        return None
    document = GeneratedDocument.objects.get(pk=pk)
    try:
        spec = get_kind(document.kind)
        content = spec.build(document.key)
        filename = spec.filename(document.key)
    except Exception as error:  # the page says what failed instead of staying "en préparation"
        logger.exception("Generated document %s could not be built", pk)
        document.status, document.finished_at = Status.FAILED, timezone.now()
        document.error = (_("Le document n'a pas pu être préparé (%(error)s).") % {"error": type(error).__name__})[:500]
        document.save(update_fields=["status", "finished_at", "error"])
        return document
    document.file.save(filename, ContentFile(content), save=False)
    document.size = len(content)
    document.status, document.finished_at = Status.READY, timezone.now()
    document.save(update_fields=["file", "size", "status", "finished_at"])
    _delete_older(document)
    return document


def _delete_older(document: GeneratedDocument) -> None:
    """Older files of the same kind and key are out of date: delete them (rows and files)."""
    older = GeneratedDocument.objects.filter(kind=document.kind, key=document.key, created_at__lt=document.created_at)
    for row in older.exclude(status=Status.PENDING, created_at__gte=timezone.now() - GENERATED_DOCUMENT_STALE):
        if row.file:
            row.file.delete(save=False)
        row.delete()


def file_response(document: GeneratedDocument | None) -> FileResponse:
    """The ready document as a download (404 when it is not ready or its file is gone)."""
    if document is None or document.status != Status.READY or not document.file:
        raise Http404
    spec = get_kind(document.kind)
    return download(document.file, filename=spec.filename(document.key), content_type=spec.content_type)
