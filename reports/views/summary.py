"""The last section of either bilan: what is still missing, and filing it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.forms import apply_errors, error_summary
from reports import forms, selectors, services
from reports.models import CvsBilan
from reports.views.navigation import (
    CVS_ERROR_SECTIONS,
    PIC_ERROR_SECTIONS,
    bilan_url,
    render_section,
    section_url,
    sections_of,
)


def summary_section(request, application, bilan, section: str):
    cvs = isinstance(bilan, CvsBilan)
    form = forms.SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if cvs:
                services.submit_cvs_bilan(user=request.user, bilan=bilan)
            else:
                services.submit_bilan(user=request.user, bilan=bilan)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Votre bilan est déposé. L'association porteuse va l'étudier ; vous recevrez un e-mail de sa part."),
            )
            return redirect(bilan_url(application))
    if cvs:
        missing, where = services.cvs_submission_errors(bilan=bilan), CVS_ERROR_SECTIONS
        detail = selectors.cvs_bilan_detail(bilan=bilan)
    else:
        missing, where = services.pic_submission_errors(bilan=bilan), PIC_ERROR_SECTIONS
        detail = selectors.pic_bilan_detail(bilan=bilan)
    labels = dict(sections_of(application))
    to_fix: dict[str, dict] = {}
    for key, messages_ in missing.items():
        slug = where.get(key, "envoi")
        entry = to_fix.setdefault(slug, {"label": labels[slug], "url": section_url(application, slug), "messages": []})
        entry["messages"].extend(messages_)
    order = [slug for slug, _label in sections_of(application)]
    return render_section(
        request,
        application,
        bilan,
        section,
        "section_summary.html",
        {
            **detail,
            "cvs": cvs,
            "can_download": True,
            "form": form,
            "to_fix": [to_fix[slug] for slug in order if slug in to_fix],
        },
        error_summary(form),
    )
