"""The inbox's selection put on a session's agenda (the inbox's one form posts here for that action)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications.inbox import inbox_return_url, selected_applications
from committees import forms, selectors, services
from committees.access import get_session_for_user
from core.forms import flash_errors, run_action
from funds.permissions import is_any_association_staff


def selection_action(*, user):
    """The inbox's "Inscrire à une séance" action (registered from `committees.apps`): None without a session."""
    sessions = selectors.sessions_for_selection(user=user)
    if not sessions:
        return None
    return "committees/_inbox_agenda_action.html", {"form": forms.AgendaSelectionForm(sessions=sessions)}


@login_required
@require_POST
def agenda_selection(request):
    if not is_any_association_staff(request.user):
        raise PermissionDenied
    back = inbox_return_url(request.POST.get("retour", ""))
    form = forms.AgendaSelectionForm(request.POST, sessions=selectors.sessions_for_selection(user=request.user))
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors))
        return redirect(back)
    session = get_session_for_user(request.user, form.chosen_session().pk, to_run=True).session
    chosen = selected_applications(user=request.user, ids=form.cleaned_data["demandes"])
    count = len(chosen)
    run_action(
        request,
        lambda: services.add_agenda_items(
            user=request.user,
            session=session,
            applications=chosen,
            invited_to_present=form.cleaned_data["invited_to_present"],
        ),
        success=ngettext(
            "%(count)s demande inscrite à l'ordre du jour de la %(session)s.",
            "%(count)s demandes inscrites à l'ordre du jour de la %(session)s.",
            count,
        )
        % {"count": count, "session": _("séance du %(date)s") % {"date": session.date.strftime("%d/%m/%Y")}},
    )
    return redirect(back)
