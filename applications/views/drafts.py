"""The resident's button that shares their draft with the association (or takes it back)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import permissions
from applications.access import get_application_for_user
from applications.services import draft_sharing


@login_required
@require_POST
def share_draft(request, pk: int):
    application = get_application_for_user(request.user, pk, may=permissions.is_owner)
    shared = request.POST.get("share") == "1"
    try:
        draft_sharing.set_draft_shared(user=request.user, application=application, shared=shared)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Votre brouillon est partagé avec l'association porteuse : son équipe peut le lire pour vous aider.")
            if shared
            else _("Votre brouillon n'est plus partagé : l'association porteuse ne le voit plus."),
        )
    return redirect("applications:application_detail", pk=application.pk)
