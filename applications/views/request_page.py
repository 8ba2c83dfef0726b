"""The request page (what its holder, its staff and co-funders read), and starting a new request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, deferrals, forms, permissions, selectors, services
from applications.access import get_application_for_user
from applications.models import Application
from applications.views.common import Step, detail_context, detail_url, start_page, step_url
from applications.workflow import Status
from core.forms import run_service
from funds.models import Fund


@login_required
def start_application(request, fund_slug: str):
    """GET: what the request asks for; POST: a new draft in this fund, then its first step."""
    fund = get_object_or_404(Fund.objects.select_related("association"), slug=fund_slug, is_published=True)
    if fund.scheme == Fund.Scheme.FIFTY_FIFTY:
        return redirect("fiftyfifty:propose", fund_slug=fund.slug)  # its own path: an idea, not a request
    if fund.scheme == Fund.Scheme.CVS:
        return redirect("cvs:start", fund_slug=fund.slug)  # the CVS call's own request (CERFA 12156)
    return start_page(
        request,
        fund,
        start=lambda: services.start_draft(user=request.user, fund=fund),
        success=_("Votre brouillon est créé. Il est enregistré à chaque étape : vous pourrez le reprendre plus tard."),
        first_step=lambda application: step_url(application, Step.HOLDER),
        template="applications/start.html",
        extra=lambda: {
            "committee_calendar": selectors.fund_committee_calendar(fund_id=fund.pk, today=timezone.localdate())
        },
    )


def _render_detail(request, application: Application, *, message_form=None):
    may = access.abilities(request.user, application)
    context = {
        **detail_context(application),
        "application": application,
        "is_owner": may.is_owner,
        "next_step": selectors.next_step_for_holder(application) if may.is_owner else "",
        "next_action": selectors.next_action_for_holder(application) if may.is_owner else None,
        "can_edit": may.can_edit,
        "can_resubmit": may.can_resubmit,
        "can_send_back": may.can_send_back,
        "deferral": deferrals.deferral_changes(application),
        "can_withdraw": may.can_withdraw,
        "has_receipt": may.has_receipt,
        "can_post_message": may.can_post_message,
        "can_instruct": may.can_instruct,
        "message_form": message_form or forms.MessageForm(),
        "resume_url": step_url(application, selectors.resume_step(application)),
        "summary_url": step_url(application, Step.SUMMARY),
    }
    return render(request, "applications/detail.html", context)


@login_required
def application_detail(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if application.fund.scheme == Fund.Scheme.CVS and hasattr(application, "cvs_request"):
        return redirect("cvs:detail", pk=application.pk)  # a CVS request has its own page (cvs app)
    if application.staff_unread_messages and not permissions.is_owner(request.user, application):
        # The association's staff read the thread here: the holder's messages are no longer "non lus".
        services.mark_messages_read_by_staff(user=request.user, application=application)
    # The holder reads the thread on this page: the "À faire" block stops counting these messages.
    services.mark_messages_read(user=request.user, application=application)
    return _render_detail(request, application)


@login_required
@require_POST
def post_message(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if not permissions.can_post_message(request.user, application):
        raise Http404
    form = forms.MessageForm(request.POST, request.FILES)
    if run_service(
        form,
        lambda data: services.post_message(
            user=request.user, application=application, body=data["body"], uploaded_file=data.get("attachment")
        ),
    ).done:
        messages.success(request, _("Votre message est envoyé."))
        return redirect(detail_url(application) + "#messages")
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
        return redirect(detail_url(application))
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and run_service(
            form,
            lambda data: services.withdraw_application(
                user=request.user, application=application, comment=data["comment"]
            ),
        ).done
    ):
        messages.success(request, _("Votre demande est retirée."))
        return redirect(detail_url(application))
    return render(request, "applications/withdraw.html", {"application": application, "form": form})
