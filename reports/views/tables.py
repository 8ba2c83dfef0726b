"""Sections that save a table (a formset), with or without some of the bilan's own fields."""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from core.forms import error_messages, error_summary
from reports.views.navigation import after_save, render_section


def table_section(
    request,
    application,
    bilan,
    section: str,
    *,
    formset,
    save: Callable[[], object],
    template: str,
    form=None,
    extra: Callable[[], dict] | None = None,
    anchor: str = "",
):
    """Save the posted table through `save()` (the section's one service), or show the page with every error.

    The service's own errors, and the formset's, are listed at the top of the page, linked to `#anchor`.
    `extra()` adds to the page's context (read after a failed save, so it shows what is stored).
    """
    posted = request.method == "POST"
    page_errors: list[str] = []
    if posted and (form is None or form.is_valid()) and formset.is_valid():
        try:
            save()
        except ValidationError as error:
            page_errors = error_messages(error)
        else:
            return after_save(request, application, section)
    summary = error_summary(*([form] if form is not None else []), *formset.forms) if posted else []
    summary += [{"anchor": anchor, "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    context = {"formset": formset, **({"form": form} if form is not None else {}), **(extra() if extra else {})}
    return render_section(request, application, bilan, section, template, context, summary)
