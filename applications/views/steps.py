"""The step-by-step request form (steps 2 to 7; step 1, the holder, is `holder_step`)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import deferrals, forms, permissions, rules, selectors, services
from applications.access import get_application_for_user
from applications.models import Application, Attachment
from applications.views.common import STEPS, Step, detail_context, detail_url, step_url
from applications.views.holder_step import holder_step
from applications.views.step_base import after_save, render_step, seen_version
from applications.workflow import Status
from core.forms import error_summary, run_service
from funds.models import Fund


@login_required
def application_step(request, pk: int, step: str):
    application = get_application_for_user(request.user, pk, may=permissions.is_owner)
    if step not in Step.values:
        raise Http404
    if not permissions.can_edit_application(request.user, application):
        messages.info(request, _("Cette demande ne peut plus être modifiée : elle a été déposée."))
        return redirect(detail_url(application))
    if application.fund.scheme == Fund.Scheme.CVS and hasattr(application, "cvs_request"):
        # The CVS call's own steps (cvs app); deleting a document comes back to its documents step.
        return redirect("cvs:step", pk=application.pk, step="pieces" if step == Step.ATTACHMENTS else "structure")
    return STEP_VIEWS[step](request, application, step)


def _model_form_step(form_class, template: str, *, with_fund: bool = False):
    """A step whose fields are the request's own (project, when and where, people)."""

    def view(request, application: Application, step: str):
        data = request.POST if request.method == "POST" else None
        kwargs = {"fund": application.fund} if with_fund else {}
        # The form works on a copy: an invalid post never shows up elsewhere on the page.
        form = form_class(data, instance=copy.copy(application), **kwargs)
        if (
            data is not None
            and run_service(
                form,
                lambda cleaned: services.save_step(
                    user=request.user,
                    application=application,
                    step=step,
                    data=cleaned,
                    expected_version=seen_version(request, application),
                ),
            ).done
        ):
            return after_save(request, application, step)
        return render_step(request, application, step, template, {"form": form}, form)

    return view


_when_where_form_step = _model_form_step(forms.WhenWhereForm, "step_when_where.html", with_fund=True)


def _when_where_step(request, application: Application, step: str):
    """The dates step. A newly typed start before the first committee the request can still reach is saved, and
    said at once on the next page (whom to call); the dates step and the summary keep saying it."""
    before = selectors.project_start_day(application)
    response = _when_where_form_step(request, application, step)
    if request.method == "POST" and response.status_code == 302 and selectors.project_start_day(application) != before:
        dates = selectors.committee_dates(application=application, today=timezone.localdate())
        if dates["starts_too_early"]:
            messages.warning(request, selectors.too_early_message(application=application, dates=dates))
    return response


def _budget_step(request, application: Application, step: str):
    data = request.POST if request.method == "POST" else None
    budget = forms.BudgetForms(data, application=application, user=request.user)
    if data is not None and budget.is_untouched():
        return after_save(request, application, step)
    if data is not None and budget.is_valid():
        cleaned = budget.cleaned_data
        try:
            services.save_budget(
                user=request.user,
                application=application,
                amount_requested=cleaned["amount_requested"],
                lines=cleaned["expenses"] + cleaned["resources"],
                expected_version=seen_version(request, application),
            )
        except ValidationError as error:
            budget.add_errors(
                error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            )
        else:
            return after_save(request, application, step)
    summary = []
    if data is not None:
        summary = error_summary(
            budget.amount,
            *((form, _("Dépense %(number)s") % {"number": i}) for i, form in enumerate(budget.expenses.forms, 1)),
            *((form, _("Ressource %(number)s") % {"number": i}) for i, form in enumerate(budget.resources.forms, 1)),
        )
        summary.extend(
            {"anchor": "", "label": "", "message": m}
            for formset in (budget.expenses, budget.resources)
            for m in formset.non_form_errors()
        )
    summary.extend({"anchor": "budget-totaux", "label": "", "message": m} for m in budget.non_field_errors)
    return render_step(request, application, step, "step_budget.html", {"budget": budget, "budget_errors": summary})


def _attachments_step(request, application: Application, step: str):
    posted = request.method == "POST"
    form = forms.AttachmentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        prefix="piece",
        on_behalf=application.is_on_behalf_pending,
    )
    action = request.POST.get("action", "next")
    if posted:
        wants_upload = action == "upload" or form.has_file()
        if not wants_upload:
            return after_save(request, application, step)
        done, attachment = run_service(
            form,
            lambda data: services.add_attachment(
                user=request.user, application=application, kind=data["kind"], uploaded_file=data["file"]
            ),
        )
        if done:
            messages.success(request, _("Document « %(name)s » ajouté.") % {"name": attachment.original_name})
            if action == "upload":
                return redirect(step_url(application, step))
            return after_save(request, application, step)
    attachments = list(application.attachments.all())
    required = rules.check_required_attachments(application=application)
    return render_step(
        request,
        application,
        step,
        "step_attachments.html",
        {
            "form": form,
            "attachments": attachments,
            "missing_attachments": required.get("attachments", []),
            "required_kinds": [
                Attachment.Kind(k).label for k in rules.required_attachment_kinds(application=application)
            ],
        },
        form,
    )


def _file_from_summary(request, application: Application, form, *, sending_back: bool, resubmitting: bool) -> None:
    """The one service the summary's button calls: send back a deferred request, resubmit it completed, or file it."""
    consent = form.cleaned_data["showcase_consent"]
    if sending_back:
        services.send_back_application(
            user=request.user,
            application=application,
            comment=form.cleaned_data["comment"],
            expected_version=seen_version(request, application),
        )
    elif resubmitting:
        services.resubmit_application(
            user=request.user,
            application=application,
            comment=form.cleaned_data["comment"],
            showcase_consent=consent,
        )
    else:
        services.submit_application(user=request.user, application=application, showcase_consent=consent)


def _filed_message(application: Application, *, sending_back: bool, resubmitting: bool) -> str:
    if sending_back:
        return _(
            "Votre demande est renvoyée : l'association porteuse a reçu un e-mail et la présentera à un "
            "prochain comité d'attribution."
        )
    if resubmitting:
        return _("Votre demande complétée est redéposée : l'association porteuse va l'étudier.")
    return _(
        "Votre demande est déposée. Sa référence est %(reference)s : notez-la, elle vous sera "
        "demandée. Un accusé de réception vous est envoyé par e-mail."
    ) % {"reference": application.reference}


def _to_fix(application: Application) -> list[dict]:
    """What still stops the filing, step by step, each with a link to its step."""
    missing = rules.validate_for_submission(application=application, today=timezone.localdate())
    return [
        {"slug": s.value, "label": s.label, "url": step_url(application, s), "messages": missing[s.value]}
        for s in STEPS
        if missing.get(s.value)
    ]


def _summary_step(request, application: Application, step: str):
    resubmitting = application.status == Status.COMPLETION_REQUESTED
    sending_back = application.status == Status.DEFERRED
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={"showcase_consent": application.showcase_consent},
        sending_back=sending_back,
    )
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            _file_from_summary(request, application, form, sending_back=sending_back, resubmitting=resubmitting)
        except ValidationError as error:
            # Step-keyed errors are the `to_fix` list below; show the others (e-mail not confirmed...) on top.
            errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            other_errors = [m for key, ms in errors.items() if key not in Step.values for m in ms]
        else:
            messages.success(request, _filed_message(application, sending_back=sending_back, resubmitting=resubmitting))
            return redirect(detail_url(application))
    to_fix = _to_fix(application)
    return render_step(
        request,
        application,
        step,
        "step_summary.html",
        {
            **detail_context(application),
            "form": form,
            "to_fix": to_fix,
            "other_errors": other_errors,
            "resubmitting": resubmitting,
            "sending_back": sending_back,
            "deferral": deferrals.deferral_changes(application) if sending_back else None,
        },
    )


STEP_VIEWS = {
    Step.HOLDER: holder_step,
    Step.PROJECT: _model_form_step(forms.ProjectForm, "step_project.html", with_fund=True),
    Step.WHEN_WHERE: _when_where_step,
    Step.PEOPLE: _model_form_step(forms.PeopleForm, "step_people.html"),
    Step.BUDGET: _budget_step,
    Step.ATTACHMENTS: _attachments_step,
    Step.SUMMARY: _summary_step,
}
