from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from applications import selectors as application_selectors
from funds import selectors as fund_selectors
from funds.permissions import is_any_association_staff, is_any_funder_staff


def home(request):
    funds = fund_selectors.open_funds(on_date=timezone.localdate())[:6]
    return render(request, "core/home.html", {"open_funds": funds})


def legal_notice(request):
    return render(request, "core/legal_notice.html", {"settings": _legal_settings()})


def personal_data(request):
    return render(request, "core/personal_data.html", {"settings": _legal_settings()})


def accessibility(request):
    return render(request, "core/accessibility.html", {"settings": _legal_settings()})


def _legal_settings() -> dict:
    return {
        "publisher": settings.PORTAL_PUBLISHER,
        "publisher_address": settings.PORTAL_PUBLISHER_ADDRESS,
        "host_name": settings.PORTAL_HOST_NAME,
        "dpo_name": settings.DPO_NAME,
        "dpo_email": settings.DPO_EMAIL,
        "dpo_address": settings.DPO_ADDRESS,
        "retention_years": settings.PERSONAL_DATA_RETENTION_DAYS // 365,
    }


@login_required
def dashboard(request):
    """The logged-in landing page: what each role can do from here."""
    user = request.user
    context = {
        "is_association_staff": is_any_association_staff(user),
        "is_funder_staff": is_any_funder_staff(user),
        "is_committee_member": user.committee_memberships.exists(),
        "funds": fund_selectors.funds_for_back_office(user=user)[:20],
        "latest_applications": list(application_selectors.applications_for_holder(user=user)[:5]),
    }
    return render(request, "core/dashboard.html", context)
