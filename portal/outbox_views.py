"""What left, what did not: the administrator's outbox page, and "Renvoyer" for an e-mail or for the failures.

The administrator sees and resends everything; anyone else resends only e-mails about an object they may manage
(a request or a committee session of their association's fund), and gets a 404 otherwise. One service per POST
(core.outbox.resend, core.outbox.resend_failures), audit-logged there.
"""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from committees.permissions import can_run_session
from core import outbox
from core.forms import optional_text
from core.models import OutboxMessage
from funds.permissions import can_manage_fund, is_association_staff

PAGE_SIZE = 50

# target_type -> who may resend e-mails about such an object (besides the administrator)
MANAGERS = {
    "applications.application": lambda user, target: can_manage_fund(user, target.fund),
    "committees.committeesession": can_run_session,
    "funds.carrierassociation": is_association_staff,
}


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("État"), required=False, choices=[("", gettext_lazy("Tous"))] + OutboxMessage.State.choices
    )
    topic = optional_text(gettext_lazy("Sujet (convocation, décision…)"), max_length=60)
    recipient = optional_text(gettext_lazy("Destinataire"), max_length=254)
    date_from = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _filtered(rows, data: dict):
    if data.get("state"):
        rows = rows.filter(state=data["state"])
    if data.get("topic"):
        rows = rows.filter(topic__icontains=data["topic"].strip())
    if data.get("recipient"):
        rows = rows.annotate(recipients_text=Cast("recipients", TextField())).filter(
            recipients_text__icontains=data["recipient"].strip()
        )
    if data.get("date_from"):
        rows = rows.filter(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(created_at__date__lte=data["date_to"])
    return rows


@login_required
@require_GET
def outbox_page(request):
    """Every e-mail of the portal with its state, for the site administrator. Anyone else gets a 404."""
    if not request.user.is_superuser:
        raise Http404
    form = OutboxFilterForm(request.GET or None)
    rows = OutboxMessage.objects.all()
    if form.is_bound:
        rows = _filtered(rows, form.cleaned_data) if form.is_valid() else rows.none()
    page = Paginator(rows.select_related("actor"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "failures": OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count(),
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return render(request, "portal/outbox.html", context)


def _target_of(message_or_key) -> object | None:
    target_type, target_id = message_or_key
    if not target_type or not target_id:
        return None
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return None
    return model.objects.filter(pk=target_id).first()


def _may_resend(user, target_type: str, target) -> bool:
    if user.is_superuser:
        return True
    check = MANAGERS.get(target_type)
    return bool(target is not None and check is not None and check(user, target))


def _back(request, default: str):
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(default)


@login_required
@require_POST
def resend_message(request, pk: int):
    message = get_object_or_404(OutboxMessage, pk=pk)
    target = _target_of((message.target_type, message.target_id))
    if not _may_resend(request.user, message.target_type, target):
        raise Http404
    queued = outbox.resend(message=message, actor=request.user)
    if queued.state == OutboxMessage.State.PENDING:
        messages.success(request, _("E-mail remis en file : envoi en cours."))
    else:
        messages.info(request, _("Cet e-mail est déjà en cours d'envoi."))
    return _back(request, "portal:outbox")


@login_required
@require_POST
def resend_failures(request):
    """All failed e-mails (the administrator), or those about one object (`target_type`, `target_id`)."""
    target_type = request.POST.get("target_type", "")
    target = _target_of((target_type, request.POST.get("target_id", "")))
    if target is None and not request.user.is_superuser:
        raise Http404
    if target is not None and not _may_resend(request.user, target_type, target):
        raise Http404
    count = outbox.resend_failures(actor=request.user, target=target)
    messages.success(
        request,
        ngettext(
            "%(count)s e-mail remis en file : envoi en cours.",
            "%(count)s e-mails remis en file : envoi en cours.",
            count,
        )
        % {"count": count},
    )
    return _back(request, "portal:outbox")
