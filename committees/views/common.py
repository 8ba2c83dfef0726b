"""What the committee views share: error messages and summaries, links into the session page, PDF responses."""

from django.http import HttpResponse
from django.urls import reverse

from committees.models import AgendaItem, CommitteeSession
from core.forms import error_summary, flash_errors  # noqa: F401  (flash_errors: the committee views import it from here)


def form_errors(form) -> list[dict]:
    """The error summary of one form; errors of no field link to the form itself (`#form-<prefix>`)."""
    return error_summary(form, non_field_anchor=True)


def session_url(session: CommitteeSession, anchor: str = "") -> str:
    url = reverse("committees:session_detail", kwargs={"pk": session.pk})
    return f"{url}#{anchor}" if anchor else url


def item_anchor(item: AgendaItem) -> str:
    return f"point-{item.pk}"


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
