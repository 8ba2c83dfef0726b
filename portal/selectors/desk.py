"""The staff's desk: what waits for a carrier association's staff, across the funds of their association(s).

Each block is a count and the first `LINES` lines, each line opening the page where the work is done.
The page costs the same number of queries whatever the number of requests: one aggregate for the
requests' counts, one query per list, and the reports' own annotated queries for the bilans.
Status groups come from `applications.workflow` and `reports.workflow`.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Application
from applications.workflow import (
    AGENDA_SOURCES,
    AWAITING_ADVANCE,
    AWAITING_BALANCE,
    COMPLETION_RETURNED,
    NOT_FILED,
    TO_INSTRUCT,
    Status,
)
from committees.models import CommitteeSession
from funds.models import Fund
from reports import selectors as report_selectors
from reports.selectors import TrackingState

LINES = 5  # lines shown per block


@dataclass(frozen=True)
class DeskLine:
    label: str  # the request's reference and title, or the session's committee
    detail: str  # one short French sentence: since when, how many
    url: str


@dataclass(frozen=True)
class DeskBlock:
    key: str  # the block's anchor (#a-instruire)
    title: str
    count: int
    lines: list[DeskLine]
    more_url: str  # the full list, where the block's work is done in bulk
    more_label: str
    empty: str  # what the block says when nothing waits
    action: str = ""  # the verb of a line's link, for screen readers ("Instruire", "Verser l'acompte"...)
    extra: dict = field(default_factory=dict)


def _day(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def _inbox_url(*statuses: str, **params) -> str:
    query = [("status", status) for status in statuses] + list(params.items())
    return f"{reverse('staff:inbox')}?{urlencode(query)}"


def _label(application: Application) -> str:
    return f"{application.display_reference} — {application.title}"


def _holder(application: Application) -> str:
    return application.holder.name if application.holder_id else ""


def _requests(base: QuerySet[Application], condition: Q, order: tuple[str, ...]) -> list[Application]:
    return list(base.filter(condition).select_related("fund", "holder").order_by(*order)[:LINES])


def _payment_url(application: Application) -> str:
    url = reverse("committees:payments", kwargs={"slug": application.fund.slug})
    return f"{url}?{urlencode({'demande': application.pk})}#titre-nouveau-versement"


def _request_counts(base: QuerySet[Application]) -> dict[str, int]:
    """The count of each request block, in one aggregate."""
    return base.aggregate(
        to_instruct=Count("pk", filter=Q(status__in=TO_INSTRUCT)),
        completion=Count("pk", filter=Q(status__in=COMPLETION_RETURNED)),
        unread=Count("pk", filter=Q(staff_unread_messages__gt=0)),
        agenda=Count("pk", filter=Q(status__in=AGENDA_SOURCES)),
        advance=Count("pk", filter=Q(status__in=AWAITING_ADVANCE)),
        balance=Count("pk", filter=Q(status__in=AWAITING_BALANCE)),
    )


def _staff_page(application: Application) -> str:
    return reverse("staff:application", kwargs={"pk": application.pk})


def _to_instruct_lines(base: QuerySet[Application]) -> list[DeskLine]:
    return [
        DeskLine(
            _label(a),
            (
                _("%(holder)s — déposée le %(day)s")
                if a.status == Status.SUBMITTED
                else _("%(holder)s — déposée le %(day)s, instruction commencée")
            )
            % {"holder": _holder(a), "day": _day(a.submitted_at)},
            _staff_page(a),
        )
        for a in _requests(base, Q(status__in=TO_INSTRUCT), ("submitted_at", "pk"))
    ]


def _completion_lines(base: QuerySet[Application]) -> list[DeskLine]:
    return [
        DeskLine(
            _label(a),
            _("%(holder)s — redéposée le %(day)s") % {"holder": _holder(a), "day": _day(a.last_activity)},
            _staff_page(a),
        )
        for a in _requests(base, Q(status__in=COMPLETION_RETURNED), ("last_activity_at", "pk"))
    ]


def _unread_lines(base: QuerySet[Application]) -> list[DeskLine]:
    return [
        DeskLine(
            _label(a),
            ngettext(
                "%(count)s message non lu — %(holder)s",
                "%(count)s messages non lus — %(holder)s",
                a.staff_unread_messages,
            )
            % {"count": a.staff_unread_messages, "holder": _holder(a)},
            reverse("applications:application_detail", kwargs={"pk": a.pk}) + "#messages",
        )
        for a in _requests(base, Q(staff_unread_messages__gt=0), ("-last_activity_at", "pk"))
    ]


def _agenda_lines(base: QuerySet[Application]) -> list[DeskLine]:
    return [
        DeskLine(
            _label(a),
            _("%(status)s — %(fund)s") % {"status": a.get_status_display(), "fund": a.fund.name},
            _staff_page(a),
        )
        for a in _requests(base, Q(status__in=AGENDA_SOURCES), ("submitted_at", "pk"))
    ]


def _payment_lines(base: QuerySet[Application], statuses: tuple[str, ...], detail: str) -> list[DeskLine]:
    """The requests waiting for a payment: `detail` is the line's sentence, with the fund's name."""
    return [
        DeskLine(_label(a), detail % {"fund": a.fund.name}, _payment_url(a))
        for a in _requests(base, Q(status__in=statuses), ("last_activity_at", "pk"))
    ]


def _instruction_blocks(*, base: QuerySet[Application], counts: dict[str, int]) -> list[DeskBlock]:
    """The blocks before a committee: instruct, read the completions and the messages, put on an agenda."""
    return [
        DeskBlock(
            "a-instruire",
            _("Demandes à instruire"),
            counts["to_instruct"],
            _to_instruct_lines(base),
            _inbox_url(*TO_INSTRUCT, ordre="submitted_at"),
            _("Toutes les demandes à instruire"),
            _("Aucune demande n'attend d'instruction."),
            _("Instruire"),
        ),
        DeskBlock(
            "complements",
            _("Compléments reçus des porteurs"),
            counts["completion"],
            _completion_lines(base),
            _inbox_url(*COMPLETION_RETURNED),
            _("Toutes les demandes complétées"),
            _("Aucun complément à relire."),
            _("Relire"),
        ),
        DeskBlock(
            "messages",
            _("Messages non lus des porteurs"),
            counts["unread"],
            _unread_lines(base),
            _inbox_url(ordre="-last_activity_at"),
            _("Toutes les demandes, par dernière activité"),
            _("Aucun message non lu."),
            _("Lire"),
        ),
        DeskBlock(
            "ordre-du-jour",
            _("Demandes recevables à inscrire à un comité"),
            counts["agenda"],
            _agenda_lines(base),
            _inbox_url(*AGENDA_SOURCES),
            _("Les inscrire depuis la liste des demandes"),
            _("Aucune demande recevable n'attend un comité."),
            _("Ouvrir"),
        ),
    ]


def _payment_blocks(*, base: QuerySet[Application], counts: dict[str, int]) -> list[DeskBlock]:
    """The blocks after the decision: advances and balances to pay."""
    return [
        DeskBlock(
            "acomptes",
            _("Acomptes à verser"),
            counts["advance"],
            _payment_lines(base, AWAITING_ADVANCE, _("Accordée — %(fund)s")),
            _inbox_url(*AWAITING_ADVANCE),
            _("Toutes les demandes accordées"),
            _("Aucun acompte à verser."),
            _("Verser l'acompte"),
        ),
        DeskBlock(
            "soldes",
            _("Soldes à verser"),
            counts["balance"],
            _payment_lines(base, AWAITING_BALANCE, _("Bilan accepté — %(fund)s")),
            _inbox_url(*AWAITING_BALANCE),
            _("Toutes les demandes au bilan accepté"),
            _("Aucun solde à verser."),
            _("Verser le solde"),
        ),
    ]


def _request_blocks(*, fund_ids: list[int]) -> list[DeskBlock]:
    """The blocks read from the requests: one aggregate for the counts, then one query per block's lines."""
    base = Application.objects.filter(fund_id__in=fund_ids).exclude(status__in=NOT_FILED)
    counts = _request_counts(base)
    return [*_instruction_blocks(base=base, counts=counts), *_payment_blocks(base=base, counts=counts)]


def _session_block(*, fund_ids: list[int]) -> DeskBlock:
    sessions = CommitteeSession.objects.filter(
        committee__fund_id__in=fund_ids, status=CommitteeSession.Status.PLANNED, convocations_sent_at__isnull=True
    )
    count = sessions.count()
    rows = sessions.select_related("committee").annotate(items_count=Count("items")).order_by("date", "time", "pk")
    lines = [
        DeskLine(
            _("%(committee)s — séance du %(day)s") % {"committee": s.committee.name, "day": _day(s.date)},
            ngettext(
                "%(count)s demande à l'ordre du jour, convocations à envoyer",
                "%(count)s demandes à l'ordre du jour, convocations à envoyer",
                s.items_count,
            )
            % {"count": s.items_count},
            reverse("committees:session_detail", kwargs={"pk": s.pk}),
        )
        for s in rows[:LINES]
    ]
    return DeskBlock(
        "seances",
        _("Séances à préparer"),
        count,
        lines,
        reverse("committees:committee_list"),
        _("Tous les comités et leurs séances"),
        _("Aucune séance n'attend ses convocations."),
        _("Préparer"),
    )


def _bilan_blocks(*, user, today: datetime.date) -> list[DeskBlock]:
    tracked = report_selectors.staff_bilan_queryset(user=user, today=today)
    counts = report_selectors.state_counts(tracked)
    list_url = reverse("reports:staff_bilans")

    def rows(state: str) -> list:
        page = report_selectors.with_rows(report_selectors.in_state(tracked, state))[:LINES]
        return [report_selectors.tracked(application, today=today) for application in page]

    late = [
        DeskLine(
            _label(row.application),
            ngettext(
                "%(holder)s — attendu le %(day)s, %(days)s jour de retard",
                "%(holder)s — attendu le %(day)s, %(days)s jours de retard",
                row.days_late,
            )
            % {"holder": _holder(row.application), "day": _day(row.due_date), "days": row.days_late},
            f"{list_url}?{urlencode({'etat': TrackingState.OVERDUE})}#bilan-{row.application.pk}",
        )
        for row in rows(TrackingState.OVERDUE)
    ]
    to_review = [
        DeskLine(
            _label(row.application),
            _("%(holder)s — bilan déposé le %(day)s")
            % {"holder": _holder(row.application), "day": _day(getattr(row.bilan, "submitted_at", None))},
            reverse("reports:bilan", kwargs={"pk": row.application.pk}),
        )
        for row in rows(TrackingState.TO_REVIEW)
    ]
    return [
        DeskBlock(
            "bilans-a-etudier",
            _("Bilans à étudier"),
            counts[TrackingState.TO_REVIEW],
            to_review,
            f"{list_url}?{urlencode({'etat': TrackingState.TO_REVIEW})}",
            _("Tous les bilans à étudier"),
            _("Aucun bilan à étudier."),
            _("Étudier"),
        ),
        DeskBlock(
            "bilans-en-retard",
            _("Bilans en retard"),
            counts[TrackingState.OVERDUE],
            late,
            f"{list_url}?{urlencode({'etat': TrackingState.OVERDUE})}",
            _("Tous les bilans en retard, pour relancer"),
            _("Aucun bilan en retard."),
            _("Relancer"),
        ),
    ]


def desk_for(*, user, today: datetime.date) -> list[DeskBlock]:
    """The blocks of the desk, in the order of the work: instruct, committees, payments, bilans."""
    fund_ids = list(Fund.objects.managed_by(user).values_list("pk", flat=True))
    requests = _request_blocks(fund_ids=fund_ids)
    by_key = {block.key: block for block in requests}
    bilans = _bilan_blocks(user=user, today=today)
    return [
        by_key["a-instruire"],
        by_key["complements"],
        by_key["messages"],
        by_key["ordre-du-jour"],
        _session_block(fund_ids=fund_ids),
        by_key["acomptes"],
        *bilans,
        by_key["soldes"],
    ]
