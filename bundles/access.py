"""Fetch what the bundle pages show, for a user: 404 for anything they may not read."""

from django.http import Http404

from applications.models import Application
from bundles.models import Bundle
from bundles.permissions import may_bundle_application, may_bundle_fund, may_read_bundle
from core.access import get_or_404_for
from funds.models import Fund


def bundleable_funds(user):
    return Fund.objects.visible_to(user).select_related("association").order_by("-year", "name")


def require_bundle_user(user) -> None:
    if not bundleable_funds(user).exists():
        raise Http404


def get_fund_for_user(user, slug: str) -> Fund:
    return get_or_404_for(user, Fund.objects.select_related("association"), may=may_bundle_fund, slug=slug)


def get_application_for_user(user, pk: int) -> Application:
    applications = Application.objects.select_related("fund__association")
    return get_or_404_for(user, applications, may=may_bundle_application, pk=pk)


def get_bundle_for_user(user, pk: int) -> Bundle:
    return get_or_404_for(user, Bundle.objects.for_pages(), may=may_read_bundle, pk=pk)
