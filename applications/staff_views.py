"""The carrier associations' staff inbox: the requests they instruct, and its CSV and XLSX exports."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from applications import exports
from applications.inbox import SORT_PARAM, Inbox, inbox
from funds.permissions import is_any_association_staff

PER_PAGE = 25


def _staff_inbox(request) -> Inbox:
    """The one access helper: association staff (their funds only) and the administrator; 403 otherwise."""
    if not is_any_association_staff(request.user):
        raise PermissionDenied
    return inbox(user=request.user, params=request.GET)


def _export_filename(extension: str) -> str:
    return f"demandes-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
def inbox_page(request):
    result = _staff_inbox(request)
    page = Paginator(result.applications, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "inbox": result,
        "filterset": result.filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "sort_param": SORT_PARAM,
    }
    return render(request, "applications/staff/inbox.html", context)


@login_required
def inbox_csv(request):
    result = _staff_inbox(request)
    stream = io.StringIO()
    exports.write_csv(result.applications.iterator(chunk_size=2000), stream)
    response = HttpResponse(stream.getvalue(), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("csv")}"'
    return response


@login_required
def inbox_xlsx(request):
    result = _staff_inbox(request)
    content = exports.xlsx_bytes(result.applications.iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("xlsx")}"'
    return response
