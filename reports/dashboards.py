"""The funders' dashboard: the funds a user may read, compared side by side, with CSV and XLSX exports.

The Région's staff see every fund the Région co-funds, whichever association runs it; a City's staff see
the funds their City co-funds; a carrier association's staff see their own funds; the administrator sees
all (`reports.permissions.readable_funds`).

Filters: the fund's year and scheme select funds. A commune, a neighbourhood or a theme selects the funds
that cover it (or hold a request in it) and restricts the request figures (requests, granted count, granted,
paid, participants) to the requests of that commune, neighbourhood or theme; the envelope and what is left
of it stay the whole fund's. Every figure is a grouped aggregate: the number of queries does not depend on
the number of funds or requests.

The export columns are defined once, in `reports.documents.dashboard_export.COLUMNS`, and documented in
docs/exports.md.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.paginator import Page
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from committees.models import RequestFigures
from core.money import CENT, ZERO
from core.pagination import paginate_by_ids
from core.widgets import QuickSelect, id_choice_field, id_choices
from funds.models import Commune, Fund, Neighbourhood, Theme
from reports.models import Bilan
from reports.permissions import readable_funds
from reports.workflow import COUNTED_BILAN_STATUSES

# --- Filters ----------------------------------------------------------------------------------------------


class DashboardFilterForm(forms.Form):
    """The dashboard's filters. Choice lists offer only what the user's funds hold."""

    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None, widget=QuickSelect)
    scheme = forms.ChoiceField(label=_("Dispositif"), required=False, widget=QuickSelect)
    commune = id_choice_field(label=_("Commune"), empty_label=_("Toutes"))
    neighbourhood = id_choice_field(label=_("Quartier"), empty_label=_("Tous"))
    theme = id_choice_field(label=_("Thématique"), empty_label=_("Toutes"))

    def __init__(self, data=None, *, funds: QuerySet[Fund]):
        super().__init__(data)
        # The user's funds (a handful, or the Région's few hundred) stay in the database: their years are read
        # grouped and the choice lists below select through them, rather than sending back hundreds of ids.
        fund_ids = funds.order_by().values("pk")
        years = funds.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", _("Toutes"))] + [(year, str(year)) for year in years]
        self.fields["scheme"].choices = [("", _("Tous"))] + list(Fund.Scheme.choices)
        # From the funds' own small tables, never from their requests (a request's neighbourhood and theme are
        # among its fund's: `applications.rules`): the choice lists cost the same whatever the requests.
        neighbourhoods = Neighbourhood.objects.filter(
            pk__in=Fund.neighbourhoods.through.objects.filter(fund__in=fund_ids).values("neighbourhood")
        )
        self.fields["neighbourhood"].choices = id_choices(
            neighbourhoods.order_by("name", "pk"), label="name", empty_label=_("Tous")
        )
        communes = Commune.objects.filter(
            pk__in=Neighbourhood.communes.through.objects.filter(neighbourhood__in=neighbourhoods.values("pk")).values(
                "commune"
            )
        )
        self.fields["commune"].choices = id_choices(
            communes.order_by("name", "pk"), label="name", empty_label=_("Toutes")
        )
        themes = Theme.objects.filter(pk__in=Fund.themes.through.objects.filter(fund__in=fund_ids).values("theme"))
        self.fields["theme"].choices = id_choices(
            themes.order_by("position", "name"), label="name", empty_label=_("Toutes")
        )


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    scheme: str = ""
    # A row or its id (the form gives ids; the API, rows).
    commune: Commune | int | None = None
    neighbourhood: Neighbourhood | int | None = None
    theme: Theme | int | None = None

    @property
    def restricts_requests(self) -> bool:
        return bool(self.commune or self.neighbourhood or self.theme)

    def request_q(self, prefix: str = "") -> Q:
        """The condition on a request (reached through `prefix`) of the commune, neighbourhood and theme."""
        q = Q()
        if self.theme:
            q &= Q(**{f"{prefix}theme": self.theme})
        if self.neighbourhood:
            q &= Q(**{f"{prefix}neighbourhood": self.neighbourhood})
        if self.commune:
            q &= Q(**{f"{prefix}neighbourhood__communes": self.commune})
        return q

    def fund_q(self) -> Q:
        q = Q()
        if self.year:
            q &= Q(year=self.year)
        if self.scheme:
            q &= Q(scheme=self.scheme)
        if self.theme:
            q &= Q(themes=self.theme) | Q(applications__theme=self.theme)
        if self.neighbourhood:
            q &= Q(neighbourhoods=self.neighbourhood) | Q(applications__neighbourhood=self.neighbourhood)
        if self.commune:
            q &= Q(neighbourhoods__communes=self.commune) | Q(applications__neighbourhood__communes=self.commune)
        return q


def filters_from(form: DashboardFilterForm) -> Filters | None:
    """The cleaned filters, or None when the form is invalid (the dashboard then lists no fund)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return Filters(
        year=data.get("year"),
        scheme=data.get("scheme") or "",
        commune=data.get("commune"),
        neighbourhood=data.get("neighbourhood"),
        theme=data.get("theme"),
    )


# --- Rows -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundRow:
    fund: Fund
    envelope: Decimal
    granted: Decimal  # of the requests selected by the filters
    paid: Decimal  # idem
    remaining: Decimal  # the whole fund's envelope less everything granted in it
    requests: int  # filed requests
    granted_count: int
    participants_women: int
    participants_men: int

    @property
    def report_path(self) -> str:
        return reverse("annual:report", args=[self.fund.slug, self.fund.year])


@dataclass(frozen=True)
class Totals:
    envelope: Decimal
    granted: Decimal
    paid: Decimal
    remaining: Decimal
    requests: int
    granted_count: int
    participants_women: int
    participants_men: int


def _by_fund(queryset, fund_path: str, **aggregates) -> dict[int, dict]:
    return {row["fund_key"]: row for row in queryset.values(fund_key=F(fund_path)).annotate(**aggregates).order_by()}


def _int_sum(name: str):
    return Coalesce(Sum(name), Value(0), output_field=IntegerField())


def _money_sums(ids: list[int], filters: Filters | None = None) -> dict[int, dict]:
    """Granted (effective: amendments included), granted requests and paid by fund, from the requests' figures
    (`committees.models.RequestFigures`) read through their fund index: of the whole funds, or of the requests the
    `filters` select (joined to the requests then)."""
    figures = RequestFigures.objects.filter(fund__in=ids)
    if filters is not None:
        figures = figures.filter(filters.request_q("application__"))
    return _by_fund(
        figures,
        "fund",
        amount=Sum("granted_amount", filter=Q(granted=True)),
        count=Count("pk", filter=Q(granted=True)),
        paid=Sum("paid_amount"),
    )


def _request_sums(ids: list[int], filters: Filters) -> tuple[dict, dict]:
    """Filed requests, and participants of their counted bilans, by fund, for the requests the filters select:
    each read through its own fund index (a bilan carries its request's fund), so the cost follows the listed
    funds, never the region's requests and bilans."""
    filed = Application.objects.filter(fund__in=ids, submitted_at__isnull=False).filter(filters.request_q())
    bilans = Bilan.objects.filter(fund__in=ids, status__in=COUNTED_BILAN_STATUSES)
    return (
        _by_fund(filed, "fund", requests=Count("pk")),
        _by_fund(
            bilans.filter(filters.request_q("application__")),
            "fund",
            women=_int_sum("participant_women"),
            men=_int_sum("participant_men"),
        ),
    )


DASHBOARD_FUNDS_PER_PAGE = 25


def _selected_funds(*, user, filters: Filters) -> QuerySet[Fund]:
    """The funds the user may read that the filters select, newest year first, then by name."""
    fund_ids = readable_funds(user).filter(filters.fund_q()).values("pk")
    return Fund.objects.filter(pk__in=fund_ids).order_by("-year", "name", "pk")


def dashboard_rows(*, user, filters: Filters | None) -> list[FundRow]:
    """One row per fund the user may read that the filters select, ordered by year (newest first) and name."""
    if filters is None:
        return []
    return rows_for(list(_selected_funds(user=user, filters=filters).select_related("association")), filters)


def dashboard_page(*, user, filters: Filters | None, number, per_page: int = DASHBOARD_FUNDS_PER_PAGE) -> Page:
    """The page `number` of the dashboard's funds, its `object_list` the rows of that page's funds only (the
    aggregates are restricted to them: a page costs the same whatever the number of funds)."""
    funds = _selected_funds(user=user, filters=filters) if filters is not None else Fund.objects.none()
    page = paginate_by_ids(funds.select_related("association"), per_page=per_page, number=number)
    page.object_list = rows_for(page.object_list, filters) if page.object_list else []
    return page


def rows_for(funds: list[Fund], filters: Filters) -> list[FundRow]:
    """The rows of these funds (in their order), every figure a grouped aggregate over these funds only."""
    if not funds:
        return []
    ids = [fund.pk for fund in funds]
    money_all = _money_sums(ids)
    money_sel = _money_sums(ids, filters) if filters.restricts_requests else money_all
    filed, people = _request_sums(ids, filters)

    def amount(rows: dict, fund_id: int, key: str = "amount") -> Decimal:
        return (rows.get(fund_id, {}).get(key) or ZERO).quantize(CENT)

    return [
        FundRow(
            fund=fund,
            envelope=fund.envelope,
            granted=amount(money_sel, fund.pk),
            paid=amount(money_sel, fund.pk, "paid"),
            remaining=fund.envelope - amount(money_all, fund.pk),
            requests=filed.get(fund.pk, {}).get("requests", 0),
            granted_count=money_sel.get(fund.pk, {}).get("count", 0),
            participants_women=people.get(fund.pk, {}).get("women", 0),
            participants_men=people.get(fund.pk, {}).get("men", 0),
        )
        for fund in funds
    ]


def totals(rows: list[FundRow]) -> Totals:
    """The sum of the listed funds' rows (added up from their aggregates: the page's funds on the dashboard)."""
    return Totals(
        envelope=sum((row.envelope for row in rows), ZERO),
        granted=sum((row.granted for row in rows), ZERO),
        paid=sum((row.paid for row in rows), ZERO),
        remaining=sum((row.remaining for row in rows), ZERO),
        requests=sum(row.requests for row in rows),
        granted_count=sum(row.granted_count for row in rows),
        participants_women=sum(row.participants_women for row in rows),
        participants_men=sum(row.participants_men for row in rows),
    )
