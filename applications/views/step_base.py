"""What every step of the request form shares: the hidden version, the page's frame, where the buttons lead."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import forms, selectors
from applications.models import Application
from applications.views.common import STEPS, Step, step_url
from core.forms import error_summary


def version_form(request, application: Application) -> forms.VersionForm:
    """The hidden `version` of the request as the user saw it: posted back with each step's form."""
    data = request.POST if request.method == "POST" else None
    return forms.VersionForm(data, initial={"version": application.version})


def seen_version(request, application: Application) -> int | None:
    return version_form(request, application).seen_version()


# The steps that show the fund's next committees: the first one, the one where the dates are typed, the summary.
COMMITTEE_DATES_STEPS = (Step.HOLDER, Step.WHEN_WHERE, Step.SUMMARY)


def render_step(request, application: Application, step: str, template: str, context: dict, *error_forms):
    index = STEPS.index(step)
    if step in COMMITTEE_DATES_STEPS:
        context = {
            "show_committee_dates": True,
            **selectors.committee_dates(application=application, today=timezone.localdate()),
            **context,
        }
    context = {
        "version_form": version_form(request, application),
        "application": application,
        "step": step,
        "step_label": Step(step).label,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "steps": [{"slug": s.value, "label": s.label, "url": step_url(application, s)} for s in STEPS],
        "previous_step": STEPS[index - 1] if index else None,
        "error_summary": error_summary(*error_forms),
        **context,
    }
    return render(request, f"applications/{template}", context)


def after_save(request, application: Application, step: str):
    """Where the buttons lead once the step is saved: previous step, next step, or back to the holder's space."""
    action = request.POST.get("action", "next")
    index = STEPS.index(step)
    if action == "quit":
        messages.success(
            request,
            _(
                "Votre brouillon est enregistré. Reprenez-le quand vous voulez depuis « Mes demandes », "
                "sur ce téléphone ou sur un autre appareil."
            ),
        )
        return redirect("portal:my_applications")
    if action == "previous" and index > 0:
        return redirect(step_url(application, STEPS[index - 1]))
    if action == "stay":
        return redirect(step_url(application, step))
    return redirect(step_url(application, STEPS[min(index + 1, len(STEPS) - 1)]))
