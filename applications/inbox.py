"""The staff inbox: the requests a carrier association instructs, filtered, sorted and counted.

`inbox()` is the one read the inbox page and its exports share, so an export holds exactly the
rows the page lists (all pages). Every query here is scoped by `Application.objects.managed_by`.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.workflow import Status
from core.forms import ListedChoices
from core.widgets import QuickSelect
from funds.models import Fund, Neighbourhood, Theme

SORT_PARAM = "ordre"
DEFAULT_SORT = "-submitted_at"

# Statuses the inbox can show: every status but the draft (staff never see drafts).
INBOX_STATUSES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]

# Sort keys accepted in `?ordre=` (a "-" prefix sorts descending), with their French column labels.
SORTABLE_COLUMNS = {
    "reference": _("Référence"),
    "title": _("Titre"),
    "submitted_at": _("Déposée le"),
    "amount_requested": _("Montant demandé"),
    "status": _("Statut"),
    "last_activity_at": _("Dernière activité"),
}

# Statuses sort in workflow order (Déposée, En cours d'instruction, ...), not alphabetically by slug.
_STATUS_POSITION = Case(
    *[When(status=value, then=Value(position)) for position, value in enumerate(Status.values)],
    default=Value(len(Status.values)),
    output_field=IntegerField(),
)


def inbox_queryset(*, user, fund_ids: list[int] | None = None) -> QuerySet[Application]:
    """Every filed request of the funds the user manages (never a draft), with what a row shows.

    With `fund_ids` (the user's managed funds, read once by the caller), the queries filter on a plain
    list of funds: simpler plans for the count, the page and the counts per status.
    """
    if fund_ids is None:
        applications = Application.objects.managed_by(user)
    else:
        applications = Application.objects.filter(fund_id__in=fund_ids).exclude(status=Status.DRAFT)
    return applications.select_related(
        "fund", "fund__association", "holder", "theme", "neighbourhood", "created_by", "instructor"
    )


# What a row of the inbox page shows (the exports read more): the page loads these columns only.
_ROW_RELATIONS = ("fund", "holder", "theme", "neighbourhood", "instructor")
_ROW_FIELDS = ("reference", "title", "status", "submitted_at", "last_activity_at", "amount_requested")
_ROW_RELATED_FIELDS = ("fund__name", "holder__name", "theme__name", "neighbourhood__name")
_ROW_INSTRUCTOR_FIELDS = ("instructor__first_name", "instructor__last_name", "instructor__email")


def page_rows(applications: QuerySet[Application]) -> QuerySet[Application]:
    """`applications` (from `inbox()`) narrowed to what a row of the page shows: fewer columns and joins."""
    return (
        applications.select_related(None)
        .select_related(*_ROW_RELATIONS)
        .only("staff_unread_messages", *_ROW_FIELDS, *_ROW_RELATED_FIELDS, *_ROW_INSTRUCTOR_FIELDS)
    )


def managed_fund_ids(*, user) -> list[int]:
    """The ids of the funds the user manages (one query): the inbox's scope."""
    return list(Fund.objects.managed_by(user).values_list("pk", flat=True))


def _date_input() -> forms.DateInput:
    """The browser's date picker, which sends and expects ISO dates."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Filter dates outside these bounds are a form error (in French), never an overflow (a 500).
FIRST_FILTER_DAY = datetime.date(2000, 1, 1)
LAST_FILTER_DAY = datetime.date(2100, 12, 31)
MAX_FILTER_AMOUNT = 1_000_000_000


def _date_bounds() -> list:
    message = _("Indiquez une date entre le 01/01/2000 et le 31/12/2100.")
    return [
        MinValueValidator(FIRST_FILTER_DAY, message=message),
        MaxValueValidator(LAST_FILTER_DAY, message=message),
    ]


def _date_filter(method: str, label) -> django_filters.DateFilter:
    """A filtering date, through the browser's date picker, between the bounds above."""
    return django_filters.DateFilter(method=method, label=label, widget=_date_input(), validators=_date_bounds())


def _amount_filter(lookup_expr: str, label) -> django_filters.NumberFilter:
    """A bound on the amount requested, in euros."""
    return django_filters.NumberFilter(
        field_name="amount_requested",
        lookup_expr=lookup_expr,
        label=label,
        min_value=0,
        max_value=MAX_FILTER_AMOUNT,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
    )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _ListedFilterChoices(django_filters.fields.ModelChoiceIterator, ListedChoices):
    """django-filter's choices (its "null" choice) read as `ListedChoices` (one plain query)."""


class _ListedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ListedFilterChoices


class _ListedChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on one of a few rows (a fund, a theme, a neighbourhood of the user's funds)."""

    field_class = _ListedChoiceField


class InboxFilter(django_filters.FilterSet):
    """The inbox's filters. Choice lists only offer the funds the user manages and their themes and QPV."""

    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label=_("Mes dossiers : seulement les demandes qui me sont attribuées"),
        widget=forms.CheckboxInput,
    )
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Rechercher"),
        help_text=_("Titre, référence, porteur ou personne référente."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    fund = _ListedChoiceFilter(
        queryset=Fund.objects.none(), label=_("Fonds"), empty_label=_("Tous"), widget=QuickSelect
    )
    status = django_filters.MultipleChoiceFilter(
        choices=INBOX_STATUSES, label=_("Statut"), widget=forms.CheckboxSelectMultiple
    )
    theme = _ListedChoiceFilter(
        queryset=Theme.objects.none(), label=_("Thématique"), empty_label=_("Toutes"), widget=QuickSelect
    )
    neighbourhood = _ListedChoiceFilter(
        queryset=Neighbourhood.objects.none(), label=_("Quartier"), empty_label=_("Tous"), widget=QuickSelect
    )
    submitted_from = _date_filter("filter_submitted_from", _("Déposée à partir du"))
    submitted_to = _date_filter("filter_submitted_to", _("Déposée jusqu'au (inclus)"))
    amount_min = _amount_filter("gte", _("Montant demandé minimum (€)"))
    amount_max = _amount_filter("lte", _("Montant demandé maximum (€)"))

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user, fund_ids: list[int] | None = None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.user = user
        if fund_ids is None:
            fund_ids = managed_fund_ids(user=user)
        self.filters["fund"].queryset = Fund.objects.filter(pk__in=fund_ids).order_by("-year", "name")
        self.filters["theme"].queryset = Theme.objects.filter(
            pk__in=Fund.themes.through.objects.filter(fund__in=fund_ids).values("theme")
        ).order_by("position", "name")
        self.filters["neighbourhood"].queryset = Neighbourhood.objects.filter(
            pk__in=Fund.neighbourhoods.through.objects.filter(fund__in=fund_ids).values("neighbourhood")
        ).order_by("name", "pk")

    def filter_mine(self, queryset, name, value):
        return queryset.filter(instructor=self.user) if value else queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(reference__icontains=value)
            | Q(holder__name__icontains=value)
            | Q(holder__referent_name__icontains=value)
        )

    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=_start_of_day(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=_start_of_day(value + datetime.timedelta(days=1)))

    def filter_queryset_except(self, *excluded: str) -> QuerySet[Application]:
        """The queryset filtered by every valid filter except those named (e.g. the status, for its tabs)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def parse_sort(value: str | None) -> tuple[str, bool]:
    """`?ordre=` -> (key, descending), falling back to the newest submitted first."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in SORTABLE_COLUMNS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def _sorted(queryset: QuerySet[Application], key: str, descending: bool) -> QuerySet[Application]:
    """Sort by the key, then by id so pages never overlap; empty values (say, no amount) go last."""
    if key == "status":
        queryset = queryset.annotate(status_position=_STATUS_POSITION)
        key = "status_position"
    if descending:
        return queryset.order_by(F(key).desc(nulls_last=True), "-pk")
    return queryset.order_by(F(key).asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class StatusCount:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    param: str  # the `ordre` value a click on the header asks for
    aria_sort: str | None  # "ascending", "descending", or None when the table is not sorted by it


@dataclass
class Inbox:
    filterset: InboxFilter
    applications: QuerySet[Application]  # filtered and sorted; the page paginates it, exports take it all
    status_counts: list[StatusCount]  # statuses with at least one request, or selected, in workflow order
    total: int  # requests matching every filter but the status
    sort_key: str
    sort_descending: bool
    columns: dict[str, SortColumn]  # by sort key, for the table's header links

    @property
    def is_filtered(self) -> bool:
        return any(value not in (None, "", [], False) for value in self.filterset.form.cleaned_data.values())

    @property
    def is_mine(self) -> bool:
        return bool(self.filterset.form.cleaned_data.get("mine"))

    @property
    def is_status_filtered(self) -> bool:
        return any(status.selected for status in self.status_counts)

    @property
    def count(self) -> int:
        """The requests listed (every filter, the status too), read from the counts per status."""
        if self.is_status_filtered:
            return sum(status.count for status in self.status_counts if status.selected)
        return self.total

    @property
    def sort_label(self) -> str:
        return self.columns[self.sort_key].label


def _columns(sort_key: str, descending: bool) -> dict[str, SortColumn]:
    columns = {}
    for key, label in SORTABLE_COLUMNS.items():
        if key == sort_key:
            aria_sort = "descending" if descending else "ascending"
            param = key if descending else f"-{key}"
        else:
            aria_sort, param = None, key
        columns[key] = SortColumn(key, str(label), param, aria_sort)
    return columns


def inbox(*, user, params, fund_ids: list[int] | None = None) -> Inbox:
    """The inbox for `user` given the GET parameters: rows, counts per status, sort state.

    An invalid filter (say, the id of a fund the user does not manage) lists nothing rather than
    ignoring it. The counts take one aggregate query. `fund_ids`: `managed_fund_ids(user=user)`, when the
    caller has read it already.
    """
    if fund_ids is None:
        fund_ids = managed_fund_ids(user=user)
    filterset = InboxFilter(params, queryset=inbox_queryset(user=user, fund_ids=fund_ids), user=user, fund_ids=fund_ids)
    sort_key, descending = parse_sort(params.get(SORT_PARAM))
    if filterset.is_valid():
        applications = filterset.qs
        unfiltered_by_status = filterset.filter_queryset_except("status")
        selected = set(filterset.form.cleaned_data.get("status") or [])
    else:
        applications = unfiltered_by_status = Application.objects.none()
        selected = set()
    counts = {
        row["status"]: row["total"]
        for row in unfiltered_by_status.order_by().values("status").annotate(total=Count("pk"))
    }
    status_counts = [
        StatusCount(value, str(label), counts.get(value, 0), value in selected)
        for value, label in INBOX_STATUSES
        if counts.get(value) or value in selected
    ]
    return Inbox(
        filterset=filterset,
        applications=_sorted(applications, sort_key, descending),
        status_counts=status_counts,
        total=sum(counts.values()),
        sort_key=sort_key,
        sort_descending=descending,
        columns=_columns(sort_key, descending),
    )


# --- The selection's bulk actions -----------------------------------------------------------------------
# A higher app adds its own action to the inbox's one selection form through this registry (from its
# `apps.py`): committees adds "put on a session's agenda". A provider takes the user and returns the
# template to include in the form and its context, or None when it has nothing to offer.
SelectionAction = tuple[str, dict]
_selection_actions: list = []


def register_selection_action(provider) -> None:
    if provider not in _selection_actions:
        _selection_actions.append(provider)


def selection_actions(*, user) -> list[SelectionAction]:
    return [action for action in (provider(user=user) for provider in _selection_actions) if action is not None]


def selected_applications(*, user, ids: list[int]) -> list[Application]:
    """The requests of a selection the user may see in the inbox (ids of others are ignored), in id order."""
    return list(inbox_queryset(user=user).filter(pk__in=ids).order_by("pk"))


def instructor_choices(*, user):
    """The people who may be given requests: the staff of the associations whose funds the user manages."""
    associations = Fund.objects.managed_by(user).values("association")
    return (
        get_user_model()
        .objects.filter(is_active=True, association_links__association__in=associations)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def inbox_return_url(query: str) -> str:
    """The inbox as it was (filters, sort, page): `query` is re-encoded, so it can only be a query string."""
    query = QueryDict(query or "").urlencode()
    url = reverse("staff:inbox")
    return f"{url}?{query}" if query else url
