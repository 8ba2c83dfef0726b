"""The bilan's sections: their order, their URLs, where each button leads, and the page around them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from reports import forms, selectors

PIC_SECTIONS = [
    ("action", gettext_lazy("L'action")),
    ("appreciation", gettext_lazy("Votre appréciation")),
    ("depenses", gettext_lazy("Dépenses")),
    ("effets", gettext_lazy("Effets observés")),
    ("pieces", gettext_lazy("Justificatifs et photos")),
    ("envoi", gettext_lazy("Récapitulatif et dépôt")),
]


CVS_SECTIONS = [
    ("identite", gettext_lazy("Fiche d'identité")),
    ("avancement", gettext_lazy("Avancement et objectifs")),
    ("partenaires", gettext_lazy("Coordination et partenaires")),
    ("appreciation", gettext_lazy("Appréciation et SWOT")),
    ("budget", gettext_lazy("Budget")),
    ("envoi", gettext_lazy("Récapitulatif et dépôt")),
]


# The section where each kind of submission error is fixed.
PIC_ERROR_SECTIONS = {
    **dict.fromkeys(forms.PicActionForm.Meta.fields, "action"),
    **dict.fromkeys(forms.PicAppraisalForm.Meta.fields, "appreciation"),
    "expenses": "depenses",
    "attachments": "pieces",
}


CVS_ERROR_SECTIONS = {
    **dict.fromkeys(forms.CvsIdentityForm.Meta.fields, "identite"),
    **dict.fromkeys((*forms.CvsProgressForm.Meta.fields, "objectives"), "avancement"),
    **dict.fromkeys((*forms.CvsCoordinationForm.Meta.fields, "partners"), "partenaires"),
    **dict.fromkeys(forms.CvsAppraisalForm.Meta.fields, "appreciation"),
    "budget": "budget",
}


def bilan_url(application: Application) -> str:
    return reverse("reports:bilan", kwargs={"pk": application.pk})


def section_url(application: Application, section: str) -> str:
    return reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": section})


def sections_of(application: Application) -> list[tuple[str, str]]:
    return CVS_SECTIONS if selectors.uses_cvs_bilan(application) else PIC_SECTIONS


def after_save(request, application: Application, section: str):
    """Where the buttons lead once a section is saved: previous, next, the same section, or the bilan page."""
    slugs = [slug for slug, _label in sections_of(application)]
    index = slugs.index(section)
    action = request.POST.get("action", "next")
    if action == "quit":
        messages.success(
            request, _("Votre bilan est enregistré. Reprenez-le quand vous voulez, il n'est pas encore déposé.")
        )
        return redirect(bilan_url(application))
    if action == "previous" and index > 0:
        return redirect(section_url(application, slugs[index - 1]))
    if action == "stay":
        messages.success(request, _("Enregistré."))
        return redirect(section_url(application, section))
    return redirect(section_url(application, slugs[min(index + 1, len(slugs) - 1)]))


def render_section(request, application, bilan, section: str, template: str, context: dict, summary=None):
    sections = sections_of(application)
    slugs = [slug for slug, _label in sections]
    index = slugs.index(section)
    context = {
        "application": application,
        "bilan": bilan,
        "section": section,
        "section_label": dict(sections)[section],
        "section_number": index + 1,
        "section_count": len(sections),
        "sections": [{"slug": s, "label": label, "url": section_url(application, s)} for s, label in sections],
        "previous_section": slugs[index - 1] if index else None,
        "error_summary": summary or [],
        **context,
    }
    return render(request, f"reports/{template}", context)
