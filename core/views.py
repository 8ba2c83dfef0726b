from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from applications import selectors as application_selectors
from core.public_cache import public_page
from funds import selectors as fund_selectors
from funds.permissions import is_any_association_staff, is_any_funder_staff
from reports import selectors as report_selectors


@public_page
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
        "has_bilans": report_selectors.holder_has_bilans(user=user),
    }
    return render(request, "core/dashboard.html", context)


# --- Audit log (site administrators only) -------------------------------------------------------------

AUDIT_LOG_PAGE_SIZE = 50


def _audit_log_filter_form(data, entries):
    """The filters of the audit log: action and object type (the values present), actor's e-mail, dates."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    def choices(field: str):
        values = entries.order_by(field).values_list(field, flat=True).distinct()
        return [("", _("Toutes"))] + [(value, value) for value in values]

    class AuditLogFilterForm(forms.Form):
        action = forms.ChoiceField(label=_("Action"), required=False, choices=choices("action"))
        target_type = forms.ChoiceField(label=_("Type d'objet"), required=False, choices=choices("target_type"))
        actor = forms.CharField(
            label=_("Auteur (adresse e-mail)"),
            required=False,
            max_length=254,
            help_text=_("Tout ou partie de l'adresse. « système » : les actions sans auteur (commandes)."),
        )
        date_from = forms.DateField(
            label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
        date_to = forms.DateField(
            label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )

        def clean(self):
            cleaned = super().clean()
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if start and end and end < start:
                self.add_error("date_to", _("La date de fin doit suivre la date de début."))
            return cleaned

    return AuditLogFilterForm(data)


@login_required
def audit_log(request):
    """The audit log, read-only, for the site administrator. Anyone else gets a 404."""
    # Imported here: this file's imports belong to the views above it.
    import json

    from django.core.paginator import Paginator
    from django.http import Http404, HttpResponseNotAllowed

    from core.models import AuditEntry

    if not request.user.is_superuser:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    entries = AuditEntry.objects.all()
    form = _audit_log_filter_form(request.GET or None, entries)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["target_type"]:
            entries = entries.filter(target_type=data["target_type"])
        actor = data["actor"].strip()
        if actor.lower() in {"système", "systeme"}:
            entries = entries.filter(actor__isnull=True)
        elif actor:
            entries = entries.filter(actor__email__icontains=actor)
        if data["date_from"]:
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(created_at__date__lte=data["date_to"])
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries.select_related("actor"), AUDIT_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.data_json = json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True) if entry.data else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )
