"""Sections of the CVS bilan (annex 3) that save a table with the bilan's fields."""

import copy

from django.core.exceptions import ValidationError

from core.forms import error_messages, error_summary
from reports import forms, selectors, services
from reports.models import CvsBilan
from reports.views.navigation import after_save, render_section


def cvs_progress_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsProgressForm(data, instance=copy.copy(bilan))
    initial = [
        {"objective": o.objective, "indicators": o.indicators, "result": o.result, "comments": o.comments}
        for o in bilan.objectives.all()
    ]
    formset = forms.ObjectiveFormSet(data, initial=initial, prefix="objectifs")
    page_errors: list[str] = []
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.save_cvs_progress(
                user=request.user, bilan=bilan, data=form.cleaned_data, objectives=forms.objective_rows(formset)
            )
        except ValidationError as error:
            page_errors = error_messages(error)
        else:
            return after_save(request, application, section)
    summary = error_summary(form, *formset.forms) if data is not None else []
    summary += [{"anchor": "objectifs", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return render_section(
        request, application, bilan, section, "cvs_section_progress.html", {"form": form, "formset": formset}, summary
    )


def cvs_partners_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsCoordinationForm(data, instance=copy.copy(bilan))
    formset = forms.PartnerFormSet(data, initial=forms.partner_initial(bilan.partners.all()), prefix="partenaires")
    page_errors: list[str] = []
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.save_cvs_coordination(
                user=request.user, bilan=bilan, data=form.cleaned_data, partners=forms.partner_rows(formset)
            )
        except ValidationError as error:
            page_errors = error_messages(error)
        else:
            return after_save(request, application, section)
    summary = error_summary(form, *formset.forms) if data is not None else []
    summary += [{"anchor": "", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return render_section(
        request, application, bilan, section, "cvs_section_partners.html", {"form": form, "formset": formset}, summary
    )


def cvs_budget_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    formset = forms.CvsBudgetFormSet(data, initial=forms.budget_initial(bilan.budget_lines.all()), prefix="budget")
    page_errors: list[str] = []
    if data is not None and formset.is_valid():
        try:
            services.save_cvs_budget(user=request.user, bilan=bilan, lines=forms.budget_rows(formset))
        except ValidationError as error:
            page_errors = error_messages(error)
        else:
            return after_save(request, application, section)
    summary = error_summary(*formset.forms) if data is not None else []
    summary += [{"anchor": "", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return render_section(
        request,
        application,
        bilan,
        section,
        "cvs_section_budget.html",
        {"formset": formset, "totals": selectors.cvs_budget_totals(bilan=bilan)},
        summary,
    )
