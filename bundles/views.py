"""Dossier bundle pages: ask for a bundle, follow its state, download it with the e-mailed link.

The download checks again who may read the bundle (404 for a user who lost access) and its expiry (410).
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import Application
from applications.workflow import Status
from bundles import access, services
from bundles.models import Bundle
from bundles.permissions import has_full_access, may_read_bundle
from core.forms import run_action

RECENT_BUNDLES = 30


@login_required
@require_GET
def bundle_list(request):
    access.require_bundle_user(request.user)
    bundles = [
        bundle
        for bundle in Bundle.objects.filter(requested_by=request.user).for_pages()[:RECENT_BUNDLES]
        if may_read_bundle(request.user, bundle)
    ]
    context = {"bundles": bundles, "funds": access.bundleable_funds(request.user), "now": timezone.now()}
    return render(request, "bundles/bundle_list.html", context)


@login_required
@require_GET
def fund_bundles(request, slug: str):
    fund = access.get_fund_for_user(request.user, slug)
    full = has_full_access(request.user, fund)
    applications = (
        Application.objects.filter(fund=fund).exclude(status=Status.DRAFT).exclude(reference="").order_by("number")
        if full
        else Application.objects.none()
    )
    return render(request, "bundles/fund.html", {"fund": fund, "full_access": full, "applications": applications})


def _after_request(request, call):
    done, bundle = run_action(
        request, call, success=_("Le dossier est en préparation : vous recevrez un e-mail dès qu'il sera prêt.")
    )
    if not done:
        return redirect("bundles:bundle_list")
    return redirect("bundles:bundle_detail", pk=bundle.pk)


@login_required
@require_POST
def request_fund_bundle(request, slug: str):
    fund = access.get_fund_for_user(request.user, slug)
    return _after_request(request, lambda: services.request_fund_bundle(user=request.user, fund=fund))


@login_required
@require_POST
def request_application_bundle(request, pk: int):
    application = access.get_application_for_user(request.user, pk)
    return _after_request(
        request, lambda: services.request_application_bundle(user=request.user, application=application)
    )


@login_required
@require_GET
def bundle_detail(request, pk: int):
    bundle = access.get_bundle_for_user(request.user, pk)
    expired = bundle.expires_at is not None and bundle.expires_at <= timezone.now()
    link = None
    if bundle.state == Bundle.State.READY and not expired:
        link = services.download_token(bundle)
    return render(request, "bundles/bundle_detail.html", {"bundle": bundle, "expired": expired, "token": link})


def _gone(request):
    return render(request, "bundles/expired.html", status=410)


@login_required
@require_GET
def download(request, token: str):
    claims = services.read_download_token(token)
    if claims is None or claims.get("u") != request.user.pk:
        raise Http404
    bundle = Bundle.objects.for_pages().filter(pk=claims.get("b")).first()
    if bundle is None:
        return _gone(request)  # a genuine link whose bundle was deleted once expired
    if not may_read_bundle(request.user, bundle):
        raise Http404
    if bundle.expires_at is not None and bundle.expires_at <= timezone.now():
        return _gone(request)
    if bundle.state != Bundle.State.READY or not bundle.file:
        raise Http404
    return FileResponse(bundle.file.open("rb"), as_attachment=True, filename=bundle.filename)
