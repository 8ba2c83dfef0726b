from django.conf import settings
from django.shortcuts import render


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
