"""The public showcase of funded projects: the list, a project's page and its consented photos."""

from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.public_cache import public_page
from reports import access, showcase


@require_GET
@public_page
def showcase_list(request):
    form = showcase.ShowcaseFilterForm(request.GET)
    page, projects = showcase.showcase_page(form=form, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/showcase/list.html",
        {"form": form, "page": page, "projects": projects, "query": query.urlencode()},
    )


@require_GET
@public_page
def showcase_detail(request, pk: int):
    project = access.get_showcase_project(pk)
    return render(request, "reports/showcase/detail.html", {"project": project})


@require_GET
def showcase_photo(request, pk: int, photo_pk: int):
    """A consented photo of a showcased project: the stored file, re-encoded on upload without metadata."""
    photo = access.get_showcase_photo(pk, photo_pk)
    extension = "png" if photo.content_type == "image/png" else "jpg"
    response = FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        as_attachment=False,
        filename=f"projet-{pk}-photo-{photo.pk}.{extension}",
    )
    # Short cache: a withdrawn consent must take effect quickly.
    response["Cache-Control"] = "public, max-age=300"
    return response
