"""Sections of the micro-project bilan: the bilan's own fields, expenses, effects, documents."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.forms import error_summary, run_service
from reports import forms, selectors, services
from reports.models import Bilan
from reports.views.navigation import after_save, render_section, section_url
from reports.views.tables import table_view


def model_section(form_class, save, template: str = "section_form.html", stay_if=None):
    """A section whose fields are the bilan's own: the form works on a copy, the service saves.

    `stay_if(bilan)`: once saved, a French warning that keeps the holder on the section (shown at its top)."""

    def view(request, application, bilan, section: str):
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=copy.copy(bilan))
        if (
            data is not None
            and run_service(form, lambda cleaned: save(user=request.user, bilan=bilan, data=cleaned)).done
        ):
            warning = stay_if(bilan) if stay_if is not None else ""
            if warning:
                messages.warning(request, warning)
                return redirect(section_url(application, section))
            return after_save(request, application, section)
        return render_section(request, application, bilan, section, template, {"form": form}, error_summary(form))

    return view


expenses_section = table_view(
    formset_class=forms.ExpenseFormSet,
    prefix="depenses",
    initial=lambda bilan: forms.expense_initial(bilan.expenses.all()),
    save=lambda user, bilan, form, formset: services.save_bilan_expenses(
        user=user, bilan=bilan, lines=forms.expense_lines(formset)
    ),
    template="section_expenses.html",
    extra=lambda bilan: {"money": selectors.bilan_money(bilan=bilan)},
)


def effects_section(request, application, bilan: Bilan, section: str):
    data = request.POST if request.method == "POST" else None
    grid = forms.EffectsGrid(data, observations=list(bilan.effects.prefetch_related("changes")))
    if data is not None and grid.is_valid():
        try:
            services.set_effects(user=request.user, bilan=bilan, observations=grid.observations())
        except ValidationError as error:
            grid.add_errors(error.message_dict if hasattr(error, "error_dict") else {"effects": error.messages})
        else:
            return after_save(request, application, section)
    summary = []
    if data is not None:
        for form in grid.forms:
            summary.extend(
                {"anchor": f"effet-{form.effect}", "label": form.label, "message": message}
                for messages_ in form.errors.values()
                for message in messages_
            )
    return render_section(request, application, bilan, section, "section_effects.html", {"grid": grid}, summary)


def attachments_section(request, application, bilan: Bilan, section: str):
    posted = request.method == "POST"
    form = forms.BilanAttachmentForm(
        request.POST if posted else None, request.FILES if posted else None, prefix="piece"
    )
    action = request.POST.get("action", "next")
    if posted:
        if action != "upload" and not request.FILES:
            return after_save(request, application, section)
        done, attachment = run_service(
            form,
            lambda data: services.add_bilan_attachment(
                user=request.user,
                bilan=bilan,
                kind=data["kind"],
                uploaded_file=data["file"],
                public_consent=data["public_consent"],
                description=data["description"],
            ),
        )
        if done:
            messages.success(request, _("« %(name)s » est ajouté au bilan.") % {"name": attachment.original_name})
            if action == "upload":
                return redirect(section_url(application, section))
            return after_save(request, application, section)
    attachments = list(bilan.attachments.all())
    return render_section(
        request,
        application,
        bilan,
        section,
        "section_attachments.html",
        {"form": form, "attachments": attachments},
        error_summary(form),
    )


def unconfirmed_dates(bilan: Bilan) -> str:
    """Saved dates that look wrong and are not confirmed yet: the holder sees the warning at once."""
    if bilan.dates_confirmed or not selectors.bilan_date_warnings(
        held_from=bilan.held_from, held_until=bilan.held_until, application=bilan.application
    ):
        return ""
    return _(
        "C'est enregistré. Vérifiez les dates de réalisation : corrigez-les, ou cochez « Je confirme ces dates » "
        "puis enregistrez. Sans cela, le bilan ne pourra pas être déposé."
    )
