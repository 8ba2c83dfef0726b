"""Fetch what the bundle pages show, for a user: 404 for anything they may not read."""

from django.http import Http404

from applications.models import Application
from bundles.models import Bundle
from bundles.permissions import may_bundle_application, may_bundle_fund, may_read_bundle
from funds.models import Fund


def bundleable_funds(user):
    return Fund.objects.visible_to(user).select_related("association").order_by("-year", "name")


def require_bundle_user(user) -> None:
    if not bundleable_funds(user).exists():
        raise Http404


def get_fund_for_user(user, slug: str) -> Fund:
    fund = Fund.objects.select_related("association").filter(slug=slug).first()
    if fund is None or not may_bundle_fund(user, fund):
        raise Http404
    return fund


def get_application_for_user(user, pk: int) -> Application:
    application = Application.objects.select_related("fund__association").filter(pk=pk).first()
    if application is None or not may_bundle_application(user, application):
        raise Http404
    return application


def get_bundle_for_user(user, pk: int) -> Bundle:
    bundle = Bundle.objects.select_related("fund__association", "application__fund__association").filter(pk=pk).first()
    if bundle is None or not may_read_bundle(user, bundle):
        raise Http404
    return bundle
