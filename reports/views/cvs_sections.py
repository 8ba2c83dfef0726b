"""Sections of the CVS bilan (annex 3) that save a table, with the bilan's fields of the same section."""

from reports import forms, selectors, services
from reports.views.tables import table_view

cvs_progress_section = table_view(
    form_class=forms.CvsProgressForm,
    formset_class=forms.ObjectiveFormSet,
    prefix="objectifs",
    initial=lambda bilan: forms.objective_initial(bilan.objectives.all()),
    save=lambda user, bilan, form, formset: services.save_cvs_progress(
        user=user, bilan=bilan, data=form.cleaned_data, objectives=forms.objective_rows(formset)
    ),
    template="cvs_section_progress.html",
    anchor="objectifs",
)

cvs_partners_section = table_view(
    form_class=forms.CvsCoordinationForm,
    formset_class=forms.PartnerFormSet,
    prefix="partenaires",
    initial=lambda bilan: forms.partner_initial(bilan.partners.all()),
    save=lambda user, bilan, form, formset: services.save_cvs_coordination(
        user=user, bilan=bilan, data=form.cleaned_data, partners=forms.partner_rows(formset)
    ),
    template="cvs_section_partners.html",
)

cvs_budget_section = table_view(
    formset_class=forms.CvsBudgetFormSet,
    prefix="budget",
    initial=lambda bilan: forms.budget_initial(bilan.budget_lines.all()),
    save=lambda user, bilan, form, formset: services.save_cvs_budget(
        user=user, bilan=bilan, lines=forms.budget_rows(formset)
    ),
    template="cvs_section_budget.html",
    extra=lambda bilan: {"totals": selectors.cvs_budget_totals(bilan=bilan)},
)
