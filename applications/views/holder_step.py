"""Step 1 of the request form: choose one of the user's holders, create a new one, or fix one
(« Modifier ce porteur »)."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from applications import forms, services
from applications.models import Application, Holder
from applications.views.step_base import after_save, render_step, seen_version
from core.forms import apply_errors

# The « Modifier ce porteur » sub-form: which holder (`?modifier=<pk>`) and its button's action.
EDIT_PARAM = "modifier"
EDIT_ACTION = "update_holder"


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


def _save_holder(request, application: Application, *, data: dict, holder, holder_form, step_form) -> bool:
    """Create (`holder` None) or update the holder and choose it for the request: one service, all or nothing.

    The holder's errors go on `holder_form`, the step's on `step_form`; False when something was refused.
    """
    try:
        services.save_holder_for_application(
            user=request.user,
            application=application,
            data=data,
            holder=holder,
            expected_version=seen_version(request, application),
        )
    except services.StepRefused as error:
        apply_errors(step_form, error)
        return False
    except ValidationError as error:
        apply_errors(holder_form, error)
        return False
    return True


def _choose(request, application: Application, choice, holder_form) -> bool:
    """The choice form was posted and is valid: save the chosen (or new) holder; False when refused."""
    if choice.wants_new_holder:
        return holder_form.is_valid() and _save_holder(
            request,
            application,
            data=holder_form.cleaned_data,
            holder=None,
            holder_form=holder_form,
            step_form=choice,
        )
    try:
        services.save_step(
            user=request.user,
            application=application,
            step=Application.Step.HOLDER,
            data={"holder": choice.chosen_holder()},
            expected_version=seen_version(request, application),
        )
    except ValidationError as error:
        apply_errors(choice, error)
        return False
    return True


def _edit_form(data, to_edit: Holder | None, *, editing: bool):
    # The sub-form works on a copy: an invalid post never shows up elsewhere on the page.
    if to_edit is None:
        return None
    return forms.HolderForm(data if editing else None, instance=copy.copy(to_edit), prefix="edit")


def holder_step(request, application: Application, step: str):
    """Choose one of the user's holders, create a new one, or fix one (« Modifier ce porteur »)."""
    # Staff filing for a resident choose among the holders they typed in for residents, never their own.
    holders = {str(h.pk): h for h in request.user.holders.filter(entered_by_staff=application.is_on_behalf_pending)}
    if application.holder_id:
        initial = str(application.holder_id)
    elif len(holders) == 1 and not application.is_on_behalf_pending:
        initial = next(iter(holders))  # a resident's only holder
    else:
        # Staff filing for a resident: the holders they typed in belong to other residents, never pre-chosen.
        initial = forms.NEW_HOLDER
    data = request.POST if request.method == "POST" else None
    editing = data is not None and data.get("action") == EDIT_ACTION
    choice = forms.HolderChoiceForm(
        None if editing else data, holders=list(holders.values()), prefix="choice", initial={"holder": initial}
    )
    # The new holder's fields are read only when "new" is chosen (otherwise they would show errors).
    wants_new = data is not None and not editing and data.get("choice-holder") == forms.NEW_HOLDER
    holder_form = forms.HolderForm(data if wants_new else None, prefix="new")
    if data is not None and not editing and choice.is_valid() and _choose(request, application, choice, holder_form):
        return after_save(request, application, step)
    to_edit = _holder_to_edit(request, application, holders, choice, editing=editing)
    if editing and to_edit is None:
        raise Http404
    edit_form = _edit_form(data, to_edit, editing=editing)
    if editing and edit_form.is_valid():
        changes = {**edit_form.cleaned_data}
        if _save_holder(request, application, data=changes, holder=to_edit, holder_form=edit_form, step_form=edit_form):
            messages.success(
                request,
                _("Le porteur « %(name)s » est modifié et choisi pour cette demande.") % {"name": changes["name"]},
            )
            return after_save(request, application, step)
    context = {
        "choice_form": choice,
        "holder_form": holder_form,
        "edit_form": edit_form,
        "holder_to_edit": to_edit,
        "holders": list(holders.values()),
        "has_holders": bool(holders),
        "edit_param": EDIT_PARAM,
        "edit_action": EDIT_ACTION,
    }
    return render_step(
        request,
        application,
        step,
        "step_holder.html",
        context,
        choice,
        holder_form,
        (edit_form, _("Modifier ce porteur")),
    )
