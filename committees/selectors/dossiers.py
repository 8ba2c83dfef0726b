"""What a committee member reads before voting: each agenda line's dossier, and the whole session's pack.

A dossier holds the project, the budget and the pieces useful to the decision (quotes, statutes, others):
never the bank details, the staff's private notes, the instruction's checks or the messages. A fixed number of
queries whatever the number of requests (no query in a loop).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Sum

from applications.models import Application, Attachment, BudgetLine
from applications.models.requests import PAGE_RELATED
from applications.workflow import Status
from committees.models import AgendaItem, CommitteeSession
from core.generated_documents import digest

# Mirrors committees.access.DOSSIER_ATTACHMENT_KINDS (selectors sit below access).
DOSSIER_ATTACHMENT_KINDS = (Attachment.Kind.QUOTE, Attachment.Kind.STATUTES, Attachment.Kind.OTHER)


@dataclass(frozen=True)
class Dossier:
    item: AgendaItem
    application: Application
    expenses: list[BudgetLine]
    resources: list[BudgetLine]
    attachments: list[Attachment]  # only DOSSIER_ATTACHMENT_KINDS

    @property
    def amount_requested(self) -> Decimal:
        return self.application.amount_requested or Decimal("0")

    @property
    def total_expenses(self) -> Decimal:
        return sum((line.amount for line in self.expenses), Decimal("0"))

    @property
    def total_resources(self) -> Decimal:
        return sum((line.amount for line in self.resources), self.amount_requested)

    @property
    def is_balanced(self) -> bool:
        return bool(self.expenses) and self.total_expenses == self.total_resources


def _dossier_items(session: CommitteeSession):
    return (
        AgendaItem.objects.filter(session=session)
        .exclude(application__status=Status.WITHDRAWN)
        .select_related(*(f"application__{name}" for name in PAGE_RELATED))
        .prefetch_related(
            Prefetch("application__budget_lines", queryset=BudgetLine.objects.order_by("side", "position", "id")),
            Prefetch(
                "application__attachments",
                queryset=Attachment.objects.filter(kind__in=DOSSIER_ATTACHMENT_KINDS).order_by(
                    "kind", "uploaded_at", "id"
                ),
                to_attr="dossier_attachments",
            ),
        )
        .order_by("position", "id")
    )


def _dossier(item: AgendaItem) -> Dossier:
    application = item.application
    lines = list(application.budget_lines.all())
    return Dossier(
        item=item,
        application=application,
        expenses=[line for line in lines if line.side == BudgetLine.Side.EXPENSE],
        resources=[line for line in lines if line.side == BudgetLine.Side.RESOURCE],
        attachments=list(application.dossier_attachments),
    )


def session_dossiers(*, session: CommitteeSession) -> list[Dossier]:
    """Every dossier of the session's agenda (requests withdrawn by their holder left out), in agenda order."""
    return [_dossier(item) for item in _dossier_items(session)]


def item_dossier(*, item: AgendaItem) -> Dossier:
    """The dossier of one agenda line (its session already checked by committees.access)."""
    loaded = _dossier_items(item.session).get(pk=item.pk)
    loaded.session = item.session
    return _dossier(loaded)


def session_pack_fingerprint(*, session_id: int) -> str:
    """What the session's pack shows, in a few aggregates: it changes when the session, its agenda, a request,
    a budget line or a useful piece changes (a rebuilt pack is then needed)."""
    session = CommitteeSession.objects.select_related("committee__fund").get(pk=session_id)
    items = AgendaItem.objects.filter(session_id=session_id).exclude(application__status=Status.WITHDRAWN)
    agenda = list(items.order_by("position", "id").values_list("pk", "position", "application_id"))
    applications = Application.objects.filter(agenda_items__in=items)
    requests = applications.aggregate(n=Count("pk"), updated=Max("updated_at"), holders=Max("holder__updated_at"))
    lines = BudgetLine.objects.filter(application__in=applications).aggregate(
        n=Count("pk"), last=Max("pk"), total=Sum("amount")
    )
    pieces = Attachment.objects.filter(application__in=applications, kind__in=DOSSIER_ATTACHMENT_KINDS).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    return digest(
        session.date,
        session.time,
        session.place,
        session.status,
        session.committee.name,
        agenda,
        sorted(requests.items()),
        sorted(lines.items()),
        sorted(pieces.items()),
    )
