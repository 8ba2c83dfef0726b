"""Sections that save a table (a formset), with or without some of the bilan's own fields."""

import copy
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


def table_view(
    *,
    formset_class,
    prefix: str,
    initial: Callable[[object], list[dict]],
    save: Callable[[object, object, object, object], object],
    template: str,
    form_class=None,
    extra: Callable[[object], dict] | None = None,
    anchor: str = "",
):
    """A table section as a view, so that each section only says what differs (like `model_section`).

    The formset starts from `initial(bilan)` (the stored rows); `form_class`, if any, edits a copy of the bilan's
    own fields; `save(user, bilan, form, formset)` calls the section's one service; `extra(bilan)` adds to the page.
    """

    def view(request, application, bilan, section: str):
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=copy.copy(bilan)) if form_class is not None else None
        formset = formset_class(data, initial=initial(bilan), prefix=prefix)
        return table_section(
            request,
            application,
            bilan,
            section,
            form=form,
            formset=formset,
            save=lambda: save(request.user, bilan, form, formset),
            template=template,
            extra=(lambda: extra(bilan)) if extra is not None else None,
            anchor=anchor,
        )

    return view
