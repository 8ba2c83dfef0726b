"""Sections of the CVS bilan (annex 3) that save a table, with the bilan's fields of the same section."""

import copy

from reports import forms, selectors, services
from reports.models import CvsBilan
from reports.views.tables import table_section


def cvs_progress_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsProgressForm(data, instance=copy.copy(bilan))
    formset = forms.ObjectiveFormSet(data, initial=forms.objective_initial(bilan.objectives.all()), prefix="objectifs")
    return table_section(
        request,
        application,
        bilan,
        section,
        form=form,
        formset=formset,
        save=lambda: services.save_cvs_progress(
            user=request.user, bilan=bilan, data=form.cleaned_data, objectives=forms.objective_rows(formset)
        ),
        template="cvs_section_progress.html",
        anchor="objectifs",
    )


def cvs_partners_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsCoordinationForm(data, instance=copy.copy(bilan))
    formset = forms.PartnerFormSet(data, initial=forms.partner_initial(bilan.partners.all()), prefix="partenaires")
    return table_section(
        request,
        application,
        bilan,
        section,
        form=form,
        formset=formset,
        save=lambda: services.save_cvs_coordination(
            user=request.user, bilan=bilan, data=form.cleaned_data, partners=forms.partner_rows(formset)
        ),
        template="cvs_section_partners.html",
    )


def cvs_budget_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    formset = forms.CvsBudgetFormSet(data, initial=forms.budget_initial(bilan.budget_lines.all()), prefix="budget")
    return table_section(
        request,
        application,
        bilan,
        section,
        formset=formset,
        save=lambda: services.save_cvs_budget(user=request.user, bilan=bilan, lines=forms.budget_rows(formset)),
        template="cvs_section_budget.html",
        extra=lambda: {"totals": selectors.cvs_budget_totals(bilan=bilan)},
    )
