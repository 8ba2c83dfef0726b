"""Public open data pages: the list of files, the files themselves, the schema. Anonymous and cached."""

import logging

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.public_cache import public_page
from funds.models import Fund
from opendata import scdl
from opendata.publication import NotPublishable, checked_rows, published_datasets
from opendata.writers import WRITERS

logger = logging.getLogger(__name__)


@require_GET
@public_page
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": published_datasets(),
            "licence_name": scdl.LICENCE_NAME,
            "licence_url": scdl.LICENCE_URL,
            "schema_version": scdl.SCHEMA_VERSION,
        },
    )


@require_GET
@public_page
def grants_file(request, slug: str, year: int, extension: str):
    if extension not in WRITERS:
        raise Http404
    fund = get_object_or_404(Fund.objects.select_related("association"), slug=slug, is_published=True)
    try:
        rows = checked_rows(fund=fund, year=year)
    except NotPublishable as error:
        # Never publish a malformed file; the association fixes the data (export_scdl names the field).
        logger.warning("Open data file not published: %s", error)
        raise Http404 from None
    if not rows:
        raise Http404
    write, content_type = WRITERS[extension]
    return HttpResponse(write(rows, fields=scdl.fields()), content_type=content_type)


@require_GET
@public_page
def schema_file(request):
    return HttpResponse(scdl.SCHEMA_PATH.read_bytes(), content_type="application/json; charset=utf-8")
