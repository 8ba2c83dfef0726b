"""Reads about requests, with their related rows loaded up front (no query in a loop)."""

import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules
from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    CriterionCheck,
    EligibilityCriterion,
    Message,
    StaffNote,
    StatusChange,
)
from applications.workflow import BILAN_FILED, BILAN_OWING, NEXT_STEP_FOR_CVS_HOLDER, NEXT_STEP_FOR_HOLDER, Status
from core.templatetags.portal_format import format_money
from core.validation import french_day
from funds import calendar
from funds.models import Fund


def applications_for_holder(*, user) -> QuerySet[Application]:
    """The user's own requests, newest first, with what a list shows."""
    return (
        Application.objects.owned_by(user)
        .select_related("fund__association", "theme", "holder", "neighbourhood")
        .order_by("-created_at", "-id")
    )


# What the holder's space shows of a request (title, reference, fund, status, last change) and what its next
# step reads (owner, last step saved, the fund's scheme and help page): not the texts and figures of the form.
HOLDER_LIST_COLUMNS = (
    "created_by_id",
    "status",
    "reference",
    "last_step",
    "title",
    "created_at",
    "updated_at",
    "fund__name",
    "fund__slug",
    "fund__scheme",
)


def holder_page(*, user, per_page: int, number) -> Page:
    """One page of the user's own requests, newest first (`number`: any user input; out of range gives the last
    page): two queries, the count and the page, read through the requests' holder index. A holder's requests
    are few, so the page is cut after the join to the fund, unlike the staff lists (`core.pagination`)."""
    requests = (
        Application.objects.owned_by(user)
        .select_related("fund")
        .only(*HOLDER_LIST_COLUMNS)
        .order_by("-created_at", "-id")
    )
    return Paginator(requests, per_page).get_page(number)


def application_for_display(*, pk: int) -> Application:
    """One request with everything a detail page or the PDF receipt prints (raises DoesNotExist)."""
    return Application.objects.for_pages().get(pk=pk)


def application_detail(*, application: Application) -> dict:
    """Timeline, attachments, messages and the budget split into expenses and resources, with totals."""
    timeline = list(
        StatusChange.objects.filter(application=application).select_related("actor").order_by("created_at", "id")
    )
    attachments = list(
        Attachment.objects.filter(application=application)
        .select_related("uploaded_by")
        .order_by("kind", "uploaded_at", "id")
    )
    messages = list(
        Message.objects.filter(application=application).select_related("author").order_by("created_at", "id")
    )
    lines = list(BudgetLine.objects.filter(application=application).order_by("side", "position", "id"))
    expenses = [line for line in lines if line.side == BudgetLine.Side.EXPENSE]
    resources = [line for line in lines if line.side == BudgetLine.Side.RESOURCE]
    total_expenses = sum((line.amount for line in expenses), Decimal("0"))
    total_other_resources = sum((line.amount for line in resources), Decimal("0"))
    amount_requested = application.amount_requested or Decimal("0")
    total_resources = total_other_resources + amount_requested
    return {
        "application": application,
        "timeline": timeline,
        "attachments": attachments,
        "messages": messages,
        "expenses": expenses,
        "resources": resources,
        "amount_requested": amount_requested,
        "total_expenses": total_expenses,
        "total_other_resources": total_other_resources,
        "total_resources": total_resources,
        "budget_difference": total_expenses - total_resources,
        "is_balanced": bool(expenses) and total_expenses == total_resources,
        "next_step": next_step_for_holder(application),
    }


def next_step_for_holder(application: Application) -> str:
    """What the holder should do next, in French."""
    status = Status(application.status)
    if application.fund.scheme == Fund.Scheme.CVS and status in NEXT_STEP_FOR_CVS_HOLDER:
        return str(NEXT_STEP_FOR_CVS_HOLDER[status])
    return str(NEXT_STEP_FOR_HOLDER.get(status, ""))


def next_action_for_holder(application: Application) -> dict | None:
    """The button that does what `next_step_for_holder` says: {"label", "url"}, or None when the next step is
    the association's. The bilan's page belongs to `reports` (a layer above): it is reached by its URL name."""
    status = Status(application.status)
    if status == Status.DRAFT:
        return {"label": _("Reprendre ma demande"), "url": resume_url(application)}
    if status == Status.COMPLETION_REQUESTED:
        return {"label": _("Compléter ma demande"), "url": step_url(application, Application.Step.HOLDER)}
    if status in (Status.INELIGIBLE, Status.REFUSED):
        detail = reverse("applications:application_detail", kwargs={"pk": application.pk})
        return {"label": _("Lire le motif"), "url": f"{detail}#historique"}
    if status in BILAN_OWING:
        return {"label": _("Déposer mon bilan"), "url": reverse("reports:bilan", kwargs={"pk": application.pk})}
    if status in BILAN_FILED:
        return {"label": _("Voir mon bilan"), "url": reverse("reports:bilan", kwargs={"pk": application.pk})}
    if status == Status.ON_AGENDA:
        return {
            "label": _("Demander la date du comité à l'association"),
            "url": reverse("funds:fund_help", kwargs={"slug": application.fund.slug}),
        }
    return None


def instruction_detail(*, application: Application) -> dict:
    """The staff's side of a request: the fund's grid with this request's checks, and the private notes.

    Three queries whatever the number of criteria, checks or notes. Never give this to the holder's pages.
    """
    criteria = list(EligibilityCriterion.objects.filter(fund_id=application.fund_id).order_by("position", "id"))
    checks = {
        check.criterion_id: check
        for check in CriterionCheck.objects.filter(application=application).select_related("checked_by")
    }
    notes = list(
        StaffNote.objects.filter(application=application).select_related("author").order_by("-created_at", "-id")
    )
    checklist = [{"criterion": criterion, "check": checks.get(criterion.pk)} for criterion in criteria]
    required = [row for row in checklist if row["criterion"].is_required]
    return {
        "checklist": checklist,
        "required_count": len(required),
        "required_met_count": sum(1 for row in required if row["check"] is not None and row["check"].met is True),
        "notes": notes,
    }


# --- Where a holder takes a draft up again ---------------------------------------------------------------


def resume_step(application: Application) -> str:
    """Where to take a draft up again: the step after the last one saved."""
    steps = list(Application.Step)
    if not application.last_step:
        return Application.Step.HOLDER
    index = steps.index(application.last_step)
    return steps[min(index + 1, len(steps) - 1)]


def step_url(application: Application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def resume_url(application: Application) -> str:
    """The page of the step where a draft is taken up again."""
    return step_url(application, resume_step(application))


# --- What the portal already knows of a request, for the instructor to confirm ---------------------------


def automatic_checks(*, application: Application, lines: list[BudgetLine], attachments: list[Attachment]) -> dict:
    """The checks of `applications.rules` the portal runs itself, by `EligibilityCriterion.auto_check` key:
    {key: {"label", "ok", "note"}}. Two queries (the fund's neighbourhoods, the second-request rule) whatever the
    request; `lines` and `attachments` are the ones the page already loaded."""
    fund = application.fund
    checks: dict = {}

    def put(key: str, label: str, problems: list[str], ok_note: str) -> None:
        checks[key] = {"label": label, "ok": not problems, "note": " ".join(str(p) for p in problems) or ok_note}

    if application.neighbourhood_id is None:
        put("neighbourhood", _("Quartier couvert par le fonds"), [_("aucun quartier indiqué.")], "")
    else:
        served = fund.neighbourhoods.filter(pk=application.neighbourhood_id).exists()
        put(
            "neighbourhood",
            _("Quartier couvert par le fonds"),
            [] if served else [_("le quartier « %(n)s » n'est pas couvert.") % {"n": application.neighbourhood}],
            _("le quartier « %(n)s » est couvert par le fonds.") % {"n": application.neighbourhood},
        )
    dates = rules.check_dates(fund=fund, starts_at=application.starts_at, ends_at=application.ends_at)
    missing_dates = [_("dates non indiquées.")] if not (application.starts_at and application.ends_at) else []
    put(
        "dates",
        _("Dates dans l'année du fonds"),
        missing_dates + [m for ms in dates.values() for m in ms],
        _("le projet a lieu en %(year)s.") % {"year": fund.year},
    )
    amount = rules.check_amount(
        fund=fund, user=application.created_by, amount=application.amount_requested, application=application
    )
    put(
        "amount",
        _("Montant dans le plafond"),
        [m for ms in amount.values() for m in ms],
        _("%(amount)s demandés, dans le plafond.") % {"amount": format_money(application.amount_requested)},
    )
    expenses = [line.amount for line in lines if line.side == BudgetLine.Side.EXPENSE]
    resources = [line.amount for line in lines if line.side == BudgetLine.Side.RESOURCE]
    budget = rules.check_budget(expenses=expenses, resources=resources, amount_requested=application.amount_requested)
    put(
        "budget",
        _("Budget équilibré"),
        [m for ms in budget.values() for m in ms],
        _("dépenses et ressources font %(total)s.") % {"total": format_money(sum(expenses, Decimal("0")))},
    )
    present = {attachment.kind for attachment in attachments}
    missing = [
        Attachment.Kind(kind).label
        for kind in rules.required_attachment_kinds(application=application)
        if kind not in present
    ]
    put(
        "attachments",
        _("Pièces obligatoires jointes"),
        [_("manque : %(kinds)s.") % {"kinds": ", ".join(str(k) for k in missing)}] if missing else [],
        _("RIB joint%(more)s.") % {"more": _(" et autres pièces obligatoires") if len(present) > 1 else ""},
    )
    return checks


def _event(at: datetime.datetime, kind: str, who, title: str, body: str) -> dict:
    """One line of the staff timeline."""
    return {"at": at, "kind": kind, "who": who, "title": title, "body": body}


def staff_timeline(*, timeline: list[StatusChange], messages: list[Message], attachments: list[Attachment]) -> list:
    """Status changes, messages and documents of a request in date order, from the lists the page already loaded
    (no query): [{"at", "kind", "who", "title", "body"}]."""
    events = [
        _event(
            change.created_at,
            "status",
            change.actor,
            Status(change.to_status).label if change.to_status in Status.values else change.to_status,
            change.comment,
        )
        for change in timeline
    ]
    events += [
        _event(message.created_at, "message", message.author, _("Message"), message.body) for message in messages
    ]
    events += [
        _event(
            attachment.uploaded_at,
            "document",
            attachment.uploaded_by,
            _("Document ajouté : %(kind)s") % {"kind": attachment.get_kind_display()},
            attachment.original_name,
        )
        for attachment in attachments
    ]
    return sorted(events, key=lambda event: event["at"])


def project_start_day(application: Application) -> datetime.date | None:
    return timezone.localdate(application.starts_at) if application.starts_at else None


def fund_committee_calendar(*, fund_id: int, today: datetime.date) -> calendar.FundCalendar:
    """The fund's next committee sessions (one query)."""
    return calendar.calendars(fund_ids=[fund_id], today=today)[fund_id]


def committee_dates(*, application: Application, today: datetime.date) -> dict:
    """The fund's next committee sessions for the request form, and whether the project starts too early.

    `starts_too_early`: the project's start falls before the first session a request filed today still
    reaches (the committee could only decide after the project). One query, whatever the number of sessions.
    """
    fund_calendar = fund_committee_calendar(fund_id=application.fund_id, today=today)
    start = project_start_day(application)
    return {
        "committee_calendar": fund_calendar,
        "first_reachable_session": fund_calendar.first_reachable,
        "project_start_day": start,
        "starts_too_early": fund_calendar.starts_too_early(start),
    }


def too_early_message(*, application: Application, dates: dict) -> str:
    """What the resident reads when the project starts before the first session the request can still reach."""
    association = application.fund.association
    contact = ", ".join(filter(None, [association.contact_phone, association.contact_email]))
    session = dates["first_reachable_session"]
    return _(
        "Attention : votre projet commence le %(start)s, avant le comité du %(day)s, le premier que votre demande "
        "peut encore atteindre (dépôt au plus tard le %(last)s). Avant de déposer, appelez ou écrivez à "
        "%(association)s (%(contact)s), ou choisissez une date après le comité."
    ) % {
        "start": french_day(dates["project_start_day"]),
        "day": french_day(session.date),
        "last": french_day(session.last_filing_day),
        "association": association.name,
        "contact": contact,
    }
