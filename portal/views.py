"""Pages that sit on top of every app: the home page, the personal space, the audit log, personal data.

Nothing imports this package: it may read from every app.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import CloseAccountForm
from applications import permissions as application_permissions
from applications import selectors as application_selectors
from committees import selectors as committee_selectors
from core.forms import optional_text, run_service
from core.public_cache import personal_page, public_page
from funds import selectors as fund_selectors
from funds.permissions import can_manage_fund, is_any_association_staff, is_any_funder_staff
from funds.views import get_fund_for_back_office
from portal import privacy
from reports import selectors as report_selectors

HOLDER_PAGE_SIZE = 20  # requests per page of the holder's space, newest first


@public_page
def home(request):
    funds = fund_selectors.open_funds(on_date=timezone.localdate())[:6]
    return render(request, "portal/home.html", {"open_funds": funds})


# --- The holder's space ---------------------------------------------------------------------------


@personal_page
@login_required
def my_applications(request):
    page = application_selectors.holder_page(
        user=request.user, per_page=HOLDER_PAGE_SIZE, number=request.GET.get("page")
    )
    rows = [
        {
            "application": application,
            "next_step": application_selectors.next_step_for_holder(application),
            "next_action": application_selectors.next_action_for_holder(application),
            "resume_url": application_selectors.resume_url(application)
            if application_permissions.can_edit_application(request.user, application)
            else "",
        }
        for application in page
    ]
    today = timezone.localdate()
    funds = fund_selectors.open_funds(on_date=today)
    todo = report_selectors.holder_todo(user=request.user, today=today)
    context = {
        "todo": todo,
        "help_funds": _help_funds(row["application"] for row in rows),
        "rows": rows,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "open_funds": funds,
        "has_bilans": report_selectors.holder_has_bilans(user=request.user, todo=todo),
    }
    return render(request, "portal/my_applications.html", context)


def _help_funds(applications) -> list:
    """The funds of the requests a page shows (already loaded with them), once each: their help pages."""
    funds = {}
    for application in applications:
        funds.setdefault(application.fund_id, application.fund)
    return list(funds.values())


@login_required
def fund_detail(request, slug: str):
    fund = get_fund_for_back_office(request, slug)
    context = fund_selectors.fund_detail(fund=fund)
    context["can_manage"] = can_manage_fund(request.user, fund)
    context["money"] = committee_selectors.fund_money_summary(fund=fund)
    return render(request, "portal/fund_detail.html", context)


@login_required
def dashboard(request):
    """The logged-in landing page: what each role can do from here."""
    user = request.user
    latest = list(application_selectors.applications_for_holder(user=user)[:5])
    todo = report_selectors.holder_todo(user=user, today=timezone.localdate())
    context = {
        "todo": todo,
        "help_funds": _help_funds(latest),
        "is_association_staff": is_any_association_staff(user),
        "is_funder_staff": is_any_funder_staff(user),
        "is_committee_member": user.committee_memberships.active_on(timezone.localdate()).exists(),
        "funds": fund_selectors.funds_for_back_office(user=user)[:20],
        "latest_applications": latest,
        "has_bilans": report_selectors.holder_has_bilans(user=user, todo=todo),
    }
    return render(request, "portal/dashboard.html", context)


# --- Audit log (site administrators only) -------------------------------------------------------------

AUDIT_LOG_PAGE_SIZE = 50


def _audit_log_filter_form(data, entries):
    """The filters of the audit log: action and object type (the values present), actor's e-mail, dates."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    from portal.audit_labels import action_choices, target_choices

    def choices(field: str, labelled):
        values = entries.order_by(field).values_list(field, flat=True).distinct()
        return [("", _("Toutes"))] + labelled(values)

    class AuditLogFilterForm(forms.Form):
        action = forms.ChoiceField(label=_("Action"), required=False, choices=choices("action", action_choices))
        target_type = forms.ChoiceField(
            label=_("Type d'objet"), required=False, choices=choices("target_type", target_choices)
        )
        actor = optional_text(
            _("Auteur (adresse e-mail)"),
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
    from portal.audit_labels import action_label, summary_text, target_label

    for entry in page.object_list:
        entry.data_json = json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True) if entry.data else ""
        # Read in French (issue 17): the codes stay in the log and are shown beside their labels.
        entry.action_label = action_label(entry.action)
        entry.target_label = target_label(entry.target_type)
        entry.summary_text = summary_text(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )


# --- Personal data: export and closing the account (portal.privacy) ----------------------------------------


@login_required
@never_cache
@require_http_methods(["GET"])
def data_export(request):
    """Everything the portal holds about the logged-in person, as a JSON file to download."""
    data = privacy.export_user_data(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"mes-donnees-portail-pic-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def close_account(request):
    """Explains what closing the account does, and closes it once the password is confirmed."""
    form = CloseAccountForm(request.POST or None)
    if (
        request.method == "POST"
        and run_service(form, lambda data: privacy.close_account(user=request.user, password=data["password"])).done
    ):
        logout(request)
        messages.success(
            request,
            _(
                "Votre compte est fermé. Vos informations personnelles ont été effacées ; les demandes déjà "
                "déposées restent connues de l'association porteuse et des financeurs, sans votre nom."
            ),
        )
        return redirect("portal:home")
    return render(request, "accounts/close_account.html", {"form": form, "is_superuser": request.user.is_superuser})
