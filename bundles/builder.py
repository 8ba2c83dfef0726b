"""Write a bundle's ZIP: the files of each request (bundles.contents), then `index.csv` at the root
listing every file with its kind, size and SHA-256, so an auditor can check nothing was altered."""

import hashlib
import io
import zipfile

from applications.models import Application
from applications.workflow import Status
from bundles.contents import MinutesCache, application_entries
from bundles.models import Bundle
from core.tabular import write_csv

INDEX_NAME = "index.csv"
INDEX_HEADERS = ["chemin", "type", "taille", "sha256"]


def bundle_applications(bundle: Bundle) -> list[Application]:
    if bundle.scope == Bundle.Scope.APPLICATION:
        return [bundle.application]
    return list(
        Application.objects.filter(fund=bundle.fund)
        .exclude(status=Status.DRAFT)
        .exclude(reference="")
        .select_related("fund__association")
        .order_by("number", "pk")
    )


def write_zip(bundle: Bundle, output) -> int:
    """Write the ZIP into the binary file `output` (left at its start); the number of files in the index."""
    index = []
    minutes = MinutesCache()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for application in bundle_applications(bundle):
            for entry in application_entries(application, full_access=bundle.full_access, minutes=minutes):
                archive.writestr(entry.path, entry.data)
                index.append((entry.path, entry.kind, len(entry.data), hashlib.sha256(entry.data).hexdigest()))
        stream = io.StringIO()
        write_csv(stream, headers=INDEX_HEADERS, rows=index)
        archive.writestr(INDEX_NAME, stream.getvalue().encode("utf-8"))
    output.seek(0)
    return len(index)
