"""The holder's pages: their space, the step-by-step request form, the request page and its documents.

Views stay thin: one access helper per object (404 for anyone else), forms for input, services for
every change (a ValidationError from a service becomes form errors, never a 500), selectors for reads.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, forms, permissions, rules, selectors, services
from applications.access import get_application_for_user, get_attachment_for_user
from applications.documents.receipt import receipt_filename, render_receipt_pdf
from applications.models import Application, Attachment, Holder
from applications.workflow import Status
from core.forms import apply_errors, error_summary
from funds.models import Fund

STEPS = list(Application.Step)
Step = Application.Step
# The holder step's « Modifier ce porteur » sub-form: which holder (`?modifier=<pk>`) and its button's action.
EDIT_PARAM = "modifier"
HOLDER_PAGE_SIZE = 20  # requests per page of the holder's space, newest first
EDIT_ACTION = "update_holder"


def _step_url(application: Application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def _detail_url(application: Application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def resume_step(application: Application) -> str:
    return selectors.resume_step(application)


def _detail_context(application: Application) -> dict:
    """selectors.application_detail, with the thread renamed: `messages` is the flash messages' name in templates."""
    context = selectors.application_detail(application=application)
    context["thread"] = context.pop("messages")
    return context


@login_required
def start_application(request, fund_slug: str):
    """GET: what the request asks for; POST: a new draft in this fund, then its first step."""
    fund = get_object_or_404(Fund.objects.select_related("association"), slug=fund_slug, is_published=True)
    errors = rules.check_call_open(fund=fund, today=timezone.localdate())
    if request.method == "POST" and not errors:
        try:
            application = services.start_draft(user=request.user, fund=fund)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(
                request,
                _("Votre brouillon est créé. Il est enregistré à chaque étape : vous pourrez le reprendre plus tard."),
            )
            return redirect(_step_url(application, Step.HOLDER))
    return render(
        request,
        "applications/start.html",
        {"fund": fund, "errors": [m for messages_ in errors.values() for m in messages_]},
    )


# --- The step-by-step form ------------------------------------------------------------------------


@login_required
def application_step(request, pk: int, step: str):
    application = get_application_for_user(request.user, pk, may=permissions.is_owner)
    if step not in Step.values:
        raise Http404
    if not permissions.can_edit_application(request.user, application):
        messages.info(request, _("Cette demande ne peut plus être modifiée : elle a été déposée."))
        return redirect(_detail_url(application))
    return STEP_VIEWS[step](request, application, step)


def _after_save(request, application: Application, step: str):
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
        return redirect(_step_url(application, STEPS[index - 1]))
    if action == "stay":
        return redirect(_step_url(application, step))
    return redirect(_step_url(application, STEPS[min(index + 1, len(STEPS) - 1)]))


def _version_form(request, application: Application) -> forms.VersionForm:
    """The hidden `version` of the request as the user saw it: posted back with each step's form."""
    data = request.POST if request.method == "POST" else None
    return forms.VersionForm(data, initial={"version": application.version})


def _render_step(request, application: Application, step: str, template: str, context: dict, *error_forms):
    index = STEPS.index(step)
    context = {
        "version_form": _version_form(request, application),
        "application": application,
        "step": step,
        "step_label": Step(step).label,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "steps": [{"slug": s.value, "label": s.label, "url": _step_url(application, s)} for s in STEPS],
        "previous_step": STEPS[index - 1] if index else None,
        "error_summary": error_summary(*error_forms),
        **context,
    }
    return render(request, f"applications/{template}", context)


def _holder_to_edit(request, application: Application, holders: dict, choice, *, editing: bool) -> Holder | None:
    """Which of the user's holders the « Modifier ce porteur » sub-form shows, if any (only the user's own).

    When its form is posted, the one it names; otherwise the one in `?modifier=`, else the one just refused
    by the rules (it needs fixing), else the request's holder.
    """
    if editing:
        return holders.get(request.POST.get("edit-holder"))
    wanted = request.GET.get(EDIT_PARAM)
    if wanted in holders:
        return holders[wanted]
    if choice.is_bound and choice.errors:
        refused = holders.get(choice.data.get(choice.add_prefix("holder")))
        if refused is not None:
            return refused
    return holders.get(str(application.holder_id)) if application.holder_id else None


def _seen_version(request, application: Application) -> int | None:
    return _version_form(request, application).seen_version()


def _save_holder_and_step(request, application: Application, step: str, *, save_holder, holder_form, step_form) -> bool:
    """Create or update the holder, then choose it for the request: all or nothing (one transaction).

    The holder's errors go on `holder_form`, the step's on `step_form`; False when something was refused.
    """
    holder_refused = False
    try:
        with transaction.atomic():
            try:
                holder = save_holder()
            except ValidationError:
                holder_refused = True
                raise
            services.save_step(
                user=request.user,
                application=application,
                step=step,
                data={"holder": holder},
                expected_version=_seen_version(request, application),
            )
    except ValidationError as error:
        apply_errors(holder_form if holder_refused else step_form, error)
        return False
    return True


def _holder_step(request, application: Application, step: str):
    """Choose one of the user's holders, create a new one, or fix one (« Modifier ce porteur »)."""
    holders = {str(h.pk): h for h in request.user.holders.all()}
    if application.holder_id:
        initial = str(application.holder_id)
    else:
        initial = next(iter(holders)) if len(holders) == 1 else forms.NEW_HOLDER
    data = request.POST if request.method == "POST" else None
    action = data.get("action") if data is not None else None
    editing = action == EDIT_ACTION
    choice = forms.HolderChoiceForm(
        None if editing else data, holders=list(holders.values()), prefix="choice", initial={"holder": initial}
    )
    # The new holder's fields are read only when "new" is chosen (otherwise they would show errors).
    wants_new = data is not None and not editing and data.get("choice-holder") == forms.NEW_HOLDER
    holder_form = forms.HolderForm(data if wants_new else None, prefix="new")
    if data is not None and not editing and choice.is_valid():
        holder = choice.chosen_holder()
        if choice.wants_new_holder:
            if holder_form.is_valid() and _save_holder_and_step(
                request,
                application,
                step,
                save_holder=lambda: services.create_holder(user=request.user, data=holder_form.cleaned_data),
                holder_form=holder_form,
                step_form=choice,
            ):
                return _after_save(request, application, step)
        else:
            try:
                services.save_step(
                    user=request.user,
                    application=application,
                    step=step,
                    data={"holder": holder},
                    expected_version=_seen_version(request, application),
                )
            except ValidationError as error:
                apply_errors(choice, error)
            else:
                return _after_save(request, application, step)
    to_edit = _holder_to_edit(request, application, holders, choice, editing=editing)
    if editing and to_edit is None:
        raise Http404
    # The sub-form works on a copy: an invalid post never shows up elsewhere on the page.
    edit_form = (
        forms.HolderForm(data if editing else None, instance=copy.copy(to_edit), prefix="edit")
        if to_edit is not None
        else None
    )
    if editing and edit_form.is_valid():
        changes = {**edit_form.cleaned_data}
        if _save_holder_and_step(
            request,
            application,
            step,
            save_holder=lambda: services.update_holder(user=request.user, holder=to_edit, data=changes),
            holder_form=edit_form,
            step_form=edit_form,
        ):
            messages.success(
                request,
                _("Le porteur « %(name)s » est modifié et choisi pour cette demande.") % {"name": changes["name"]},
            )
            return _after_save(request, application, step)
    return _render_step(
        request,
        application,
        step,
        "step_holder.html",
        {
            "choice_form": choice,
            "holder_form": holder_form,
            "edit_form": edit_form,
            "holder_to_edit": to_edit,
            "holders": list(holders.values()),
            "has_holders": bool(holders),
            "edit_param": EDIT_PARAM,
            "edit_action": EDIT_ACTION,
        },
        choice,
        holder_form,
        (edit_form, _("Modifier ce porteur")),
    )


def _model_form_step(form_class, template: str, *, with_fund: bool = False):
    """A step whose fields are the request's own (project, when and where, people)."""

    def view(request, application: Application, step: str):
        data = request.POST if request.method == "POST" else None
        kwargs = {"fund": application.fund} if with_fund else {}
        # The form works on a copy: an invalid post never shows up elsewhere on the page.
        form = form_class(data, instance=copy.copy(application), **kwargs)
        if data is not None and form.is_valid():
            try:
                services.save_step(
                    user=request.user,
                    application=application,
                    step=step,
                    data=form.cleaned_data,
                    expected_version=_seen_version(request, application),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return _after_save(request, application, step)
        return _render_step(request, application, step, template, {"form": form}, form)

    return view


def _budget_step(request, application: Application, step: str):
    data = request.POST if request.method == "POST" else None
    budget = forms.BudgetForms(data, application=application, user=request.user)
    if data is not None and budget.is_untouched():
        return _after_save(request, application, step)
    if data is not None and budget.is_valid():
        cleaned = budget.cleaned_data
        try:
            services.save_budget(
                user=request.user,
                application=application,
                amount_requested=cleaned["amount_requested"],
                lines=cleaned["expenses"] + cleaned["resources"],
                expected_version=_seen_version(request, application),
            )
        except ValidationError as error:
            budget.add_errors(
                error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            )
        else:
            return _after_save(request, application, step)
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
    return _render_step(request, application, step, "step_budget.html", {"budget": budget, "budget_errors": summary})


def _attachments_step(request, application: Application, step: str):
    posted = request.method == "POST"
    form = forms.AttachmentForm(request.POST if posted else None, request.FILES if posted else None, prefix="piece")
    action = request.POST.get("action", "next")
    if posted:
        wants_upload = action == "upload" or form.has_file()
        if not wants_upload:
            return _after_save(request, application, step)
        if form.is_valid():
            try:
                attachment = services.add_attachment(
                    user=request.user,
                    application=application,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Document « %(name)s » ajouté.") % {"name": attachment.original_name})
                if action == "upload":
                    return redirect(_step_url(application, step))
                return _after_save(request, application, step)
    attachments = list(application.attachments.all())
    required = rules.check_required_attachments(application=application)
    return _render_step(
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


def _summary_step(request, application: Application, step: str):
    resubmitting = application.status == Status.COMPLETION_REQUESTED
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={"showcase_consent": application.showcase_consent},
    )
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        consent = form.cleaned_data["showcase_consent"]
        try:
            if resubmitting:
                services.resubmit_application(
                    user=request.user,
                    application=application,
                    comment=form.cleaned_data["comment"],
                    showcase_consent=consent,
                )
            else:
                services.submit_application(user=request.user, application=application, showcase_consent=consent)
        except ValidationError as error:
            # Step-keyed errors are the `to_fix` list below; show the others (e-mail not confirmed...) on top.
            errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
            other_errors = [m for key, ms in errors.items() if key not in Step.values for m in ms]
        else:
            if resubmitting:
                messages.success(
                    request, _("Votre demande complétée est redéposée : l'association porteuse va l'étudier.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "Votre demande est déposée. Sa référence est %(reference)s : notez-la, elle vous sera "
                        "demandée. Un accusé de réception vous est envoyé par e-mail."
                    )
                    % {"reference": application.reference},
                )
            return redirect(_detail_url(application))
    missing = rules.validate_for_submission(application=application, today=timezone.localdate())
    to_fix = [
        {"slug": s.value, "label": s.label, "url": _step_url(application, s), "messages": missing[s.value]}
        for s in STEPS
        if missing.get(s.value)
    ]
    return _render_step(
        request,
        application,
        step,
        "step_summary.html",
        {
            **_detail_context(application),
            "form": form,
            "to_fix": to_fix,
            "other_errors": other_errors,
            "resubmitting": resubmitting,
        },
    )


STEP_VIEWS = {
    Step.HOLDER: _holder_step,
    Step.PROJECT: _model_form_step(forms.ProjectForm, "step_project.html", with_fund=True),
    Step.WHEN_WHERE: _model_form_step(forms.WhenWhereForm, "step_when_where.html", with_fund=True),
    Step.PEOPLE: _model_form_step(forms.PeopleForm, "step_people.html"),
    Step.BUDGET: _budget_step,
    Step.ATTACHMENTS: _attachments_step,
    Step.SUMMARY: _summary_step,
}


# --- The request page -----------------------------------------------------------------------------


def _render_detail(request, application: Application, *, message_form=None):
    may = access.abilities(request.user, application)
    context = {
        **_detail_context(application),
        "application": application,
        "is_owner": may.is_owner,
        "next_step": selectors.next_step_for_holder(application) if may.is_owner else "",
        "can_edit": may.can_edit,
        "can_resubmit": may.can_resubmit,
        "can_withdraw": may.can_withdraw,
        "has_receipt": may.has_receipt,
        "can_post_message": may.can_post_message,
        "can_instruct": may.can_instruct,
        "message_form": message_form or forms.MessageForm(),
        "resume_url": _step_url(application, resume_step(application)),
        "summary_url": _step_url(application, Step.SUMMARY),
    }
    return render(request, "applications/detail.html", context)


@login_required
def application_detail(request, pk: int):
    application = get_application_for_user(request.user, pk)
    return _render_detail(request, application)


@login_required
@require_POST
def post_message(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if not permissions.can_post_message(request.user, application):
        raise Http404
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            services.post_message(user=request.user, application=application, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Votre message est envoyé."))
            return redirect(_detail_url(application) + "#messages")
    return _render_detail(request, application, message_form=form)


@login_required
def withdraw_application(request, pk: int):
    """A confirmation page, then the withdrawal (any time before a decision)."""
    application = get_application_for_user(request.user, pk, may=permissions.is_owner)
    if not permissions.can_withdraw(request.user, application):
        messages.info(
            request,
            _("Cette demande ne peut plus être retirée (statut : %(status)s).")
            % {"status": Status(application.status).label},
        )
        return redirect(_detail_url(application))
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(
                user=request.user, application=application, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Votre demande est retirée."))
            return redirect(_detail_url(application))
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
def receipt_pdf(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if not permissions.has_receipt(application):
        raise Http404
    response = HttpResponse(render_receipt_pdf(application=application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(application)}"'
    return response


# --- Documents ------------------------------------------------------------------------------------


@login_required
def download_attachment(request, pk: int, attachment_pk: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def delete_attachment(request, pk: int, attachment_pk: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_pk, may=access.may_edit_attachment)
    services.delete_attachment(user=request.user, attachment=attachment)
    messages.success(request, _("Document « %(name)s » supprimé.") % {"name": attachment.original_name})
    return redirect(_step_url(attachment.application, Step.ATTACHMENTS))
