"""The public showcase of funded projects (*Valoriser*) and the key figures of the home page.

A project is shown when it was granted by a committee, its fund is published, and its holder agreed that it
be shown (`Application.showcase_consent`). The bilan's highlights (results, positive points) and photos appear
once the association has accepted the bilan, and a photo only if the people on it agreed
(`BilanAttachment.public_consent`).

Nothing personal ever leaves this module: the pages receive `ShowcaseProject` values built from an explicit
list of columns (title, theme, neighbourhood, fund, texts of the project), never a model instance, so a
template cannot reach the holder, the referent, an e-mail, a phone number, an address, a SIRET, a user
or a file's original name. The place of the project is left out too (it may be someone's home).
"""

import unicodedata
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from committees.models import Decision
from core.fixed_query import FixedQuery, PrebuiltQuery
from core.pagination import WindowPage, window_page
from core.widgets import ChoiceList, QuickSelect, id_choice_field
from funds.models import Fund, Neighbourhood, Theme
from reports.annual import GenderCount
from reports.models import Bilan, BilanAttachment, BilanStatus

PAGE_SIZE = 12
SUMMARY_CHARS = 280  # on a card of the list
PAGE_SUMMARY_CHARS = 1200  # on the project's page
PHOTO_TYPES = ("image/jpeg", "image/png")

# The only columns of a request the showcase reads.
PUBLIC_COLUMNS = (
    "pk",
    "title",
    "objectives",
    "description",
    "starts_at",
    "theme__name",
    "neighbourhood__name",
    "fund__name",
    "fund__year",
    "fund__association__name",
    "bilan__status",
    "bilan__results",
    "bilan__positive_points",
    "bilan__participant_women",
    "bilan__participant_men",
)

# A card of the list reads its theme and neighbourhood as ids, named from the filter's choices (`_name_places`).
CARD_COLUMNS = (
    *(column for column in PUBLIC_COLUMNS if column not in ("theme__name", "neighbourhood__name")),
    "theme_id",
    "neighbourhood_id",
)


def _granted() -> Exists:
    return Exists(Decision.objects.filter(item__application=OuterRef("pk"), outcome=Decision.Outcome.GRANTED))


def funded_projects() -> QuerySet[Application]:
    """Requests granted by a committee in a published fund, whether or not shown publicly (for counts)."""
    return Application.objects.filter(fund__is_published=True, submitted_at__isnull=False).filter(_granted())


def showcased_projects() -> QuerySet[Application]:
    """Funded projects whose holder agreed to show them publicly."""
    return funded_projects().filter(showcase_consent=True)


def _consented_photos() -> QuerySet[BilanAttachment]:
    """Photos the people on them agreed to show, of an accepted bilan, stored as an image: public once the
    project is showcased (`public_photos`)."""
    return BilanAttachment.objects.filter(
        kind=BilanAttachment.Kind.PHOTO,
        public_consent=True,
        content_type__in=PHOTO_TYPES,
        bilan__status=BilanStatus.ACCEPTED,
    )


def public_photos() -> QuerySet[BilanAttachment]:
    """Photos anyone may see: consented, of an accepted bilan of a showcased project, stored as an image."""
    return _consented_photos().filter(bilan__application__in=showcased_projects())


# --- Values handed to templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    pk: int
    project_pk: int
    description: str


@dataclass(frozen=True)
class ShowcaseProject:
    pk: int
    title: str
    theme: str
    neighbourhood: str
    fund: str
    association: str
    year: int
    started_at: object  # when the project started (a datetime), or None
    summary: str
    results: str  # from the accepted bilan, else ""
    positive_points: str
    participants: GenderCount | None
    photos: list[Photo]

    @property
    def cover(self) -> Photo | None:
        return self.photos[0] if self.photos else None


def _summary(row: dict, length: int) -> str:
    text = (row["objectives"] or "").strip() or (row["description"] or "").strip()
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text  # what Truncator returns then, without walking the text character by character
    return Truncator(text).chars(length)


def _project(row: dict, photos: list[Photo], *, summary_chars: int) -> ShowcaseProject:
    accepted = row["bilan__status"] == BilanStatus.ACCEPTED
    results = (row["bilan__results"] or "").strip() if accepted else ""
    positive = (row["bilan__positive_points"] or "").strip() if accepted else ""
    participants = None
    if accepted and (row["bilan__participant_women"] or row["bilan__participant_men"]):
        participants = GenderCount(row["bilan__participant_women"] or 0, row["bilan__participant_men"] or 0)
    return ShowcaseProject(
        pk=row["pk"],
        title=row["title"],
        theme=row["theme__name"] or "",
        neighbourhood=row["neighbourhood__name"] or "",
        fund=row["fund__name"],
        association=row["fund__association__name"],
        year=row["fund__year"],
        started_at=row["starts_at"],
        summary=_summary(row, summary_chars),
        results=results,
        positive_points=positive,
        participants=participants,
        photos=[photo for photo in photos if photo.project_pk == row["pk"]] if accepted else [],
    )


def _name_places(rows: list[dict], form: "ShowcaseFilterForm") -> None:
    """Name the cards' themes and neighbourhoods from the filter's choices: those of the published funds, which a
    showcased request's are among (`applications.rules`). The cards' query then joins neither table (two joins
    fewer for PostgreSQL to plan); a theme or a neighbourhood that its fund no longer offers is read from its table."""
    for field, model in (("theme", Theme), ("neighbourhood", Neighbourhood)):
        names = dict(form.fields[field].choices)
        missing = {row[f"{field}_id"] for row in rows} - names.keys() - {None}
        if missing:
            names.update(model.objects.filter(pk__in=missing).values_list("pk", "name"))
        for row in rows:
            row[f"{field}__name"] = names.get(row[f"{field}_id"])


def _photos_of(project_ids: list[int], photos: QuerySet[BilanAttachment]) -> list[Photo]:
    """The `photos` of these projects, in the order they were uploaded."""
    if not project_ids:
        return []  # not even the query built
    rows = photos.filter(bilan__application__in=project_ids).order_by("uploaded_at", "pk")
    return [Photo(*row) for row in rows.values_list("pk", "bilan__application_id", "description")]


# --- List and filters -------------------------------------------------------------------------------------


def _published_themes() -> QuerySet:
    # One join in each subquery rather than two nested ones: the same plan, less for the ORM to build.
    fund_themes = Fund.themes.through.objects.filter(fund__is_published=True).values("theme_id")
    return Theme.objects.filter(pk__in=fund_themes).order_by("position", "name").values_list("pk", "name")


def _published_neighbourhoods() -> QuerySet:
    fund_areas = Fund.neighbourhoods.through.objects.filter(fund__is_published=True).values("neighbourhood_id")
    return Neighbourhood.objects.filter(pk__in=fund_areas).order_by("name", "pk").values_list("pk", "name")


def _published_years() -> QuerySet:
    return Fund.objects.filter(is_published=True).order_by().values_list("year").distinct()


# The filter's choices: the same three reads on every load of the list, whatever the request (`FixedQuery`).
PUBLISHED_THEMES = FixedQuery(_published_themes)
PUBLISHED_NEIGHBOURHOODS = FixedQuery(_published_neighbourhoods)
PUBLISHED_YEARS = FixedQuery(_published_years)


class ShowcaseFilterForm(forms.Form):
    theme = id_choice_field(label=_("Thématique"), empty_label=_("Toutes"))
    neighbourhood = id_choice_field(label=_("Quartier"), empty_label=_("Tous"))
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None, widget=QuickSelect)

    def __init__(self, data=None):
        super().__init__(data)
        # Choices from the small tables of the published funds (a request's theme and neighbourhood are among
        # its fund's: `applications.rules`), never from the requests themselves: the cost of the list does not
        # grow with the region's requests.
        self.fields["theme"].choices = ChoiceList([("", _("Toutes")), *PUBLISHED_THEMES.rows()])
        self.fields["neighbourhood"].choices = ChoiceList([("", _("Tous")), *PUBLISHED_NEIGHBOURHOODS.rows()])
        years = sorted((year for (year,) in PUBLISHED_YEARS.rows()), reverse=True)
        self.fields["year"].choices = [("", _("Toutes"))] + [(year, str(year)) for year in years]


def _showcased_decisions() -> QuerySet:
    """The granted decisions of consented, filed requests of published funds, newest first, as request ids."""
    return (
        Decision.objects.filter(
            outcome=Decision.Outcome.GRANTED,
            item__application__showcase_consent=True,
            item__application__submitted_at__isnull=False,
            item__application__fund__is_published=True,
        )
        .order_by("-pk")
        .values_list("item__application_id", flat=True)
    )


def _cards() -> QuerySet:
    return Application.objects.order_by().values(*CARD_COLUMNS)


# The list's constant conditions and columns, built by the ORM once per process (`PrebuiltQuery`); each page
# adds its filters and its ids to a clone.
SHOWCASED_DECISIONS = PrebuiltQuery(_showcased_decisions)
CARDS = PrebuiltQuery(_cards)


def showcase_page(*, form: ShowcaseFilterForm, page_number) -> tuple[WindowPage, list[ShowcaseProject]]:
    """One page of showcased projects, the last granted first (three queries at most whatever the page size:
    the photos are read only when a card's bilan is accepted; see `_name_places` for the rare exception).

    The page is one slice of the granted decisions walked newest first (primary key index), each joined to
    its request: a page reads about its 12 cards, never counted, whatever the number of projects or of
    requests still in instruction in the region.
    """
    decisions = SHOWCASED_DECISIONS.queryset()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("theme"):
            decisions = decisions.filter(item__application__theme=data["theme"])
        if data.get("neighbourhood"):
            decisions = decisions.filter(item__application__neighbourhood=data["neighbourhood"])
        if data.get("year"):
            decisions = decisions.filter(item__application__fund__year=data["year"])
    else:
        decisions = decisions.none()
    page = window_page(decisions, per_page=PAGE_SIZE, number=page_number)
    ids = list(dict.fromkeys(page.object_list))  # a request granted twice (amended by a new decision) shows once
    rows = {row["pk"]: row for row in CARDS.queryset().filter(pk__in=ids)}
    _name_places(list(rows.values()), form)
    # Photos only show once the bilan is accepted: none to read when no card has one (no query then). The ids
    # were read under the showcase's condition just now: their consented photos are public.
    accepted = [pk for pk, row in rows.items() if row["bilan__status"] == BilanStatus.ACCEPTED]
    photos = _photos_of(accepted, _consented_photos())
    cards = [_project(rows[pk], photos, summary_chars=SUMMARY_CHARS) for pk in ids if pk in rows]
    return page, cards


def showcase_project(*, pk: int) -> ShowcaseProject | None:
    """A showcased project's page, or None when it is not (or no longer) shown publicly."""
    row = showcased_projects().filter(pk=pk).values(*PUBLIC_COLUMNS).first()
    if row is None:
        return None
    return _project(row, _photos_of([pk], public_photos()), summary_chars=PAGE_SUMMARY_CHARS)


def public_photo(*, project_pk: int, photo_pk: int) -> BilanAttachment | None:
    """The stored (re-encoded, metadata-free) photo, if anyone may see it as part of that project."""
    return public_photos().filter(pk=photo_pk, bilan__application_id=project_pk).first()


# --- Key figures of the home page -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    projects: int  # projects funded (granted) in published funds
    participants: GenderCount  # residents who took part, from accepted bilans
    mobilised: GenderCount  # residents who organised, from accepted bilans

    @property
    def residents(self) -> int:
        return self.participants.total + self.mobilised.total

    @property
    def people(self) -> GenderCount:
        return GenderCount(self.participants.women + self.mobilised.women, self.participants.men + self.mobilised.men)


def public_key_figures() -> KeyFigures:
    """Projects funded, residents involved and the shares of women and men (two aggregate queries).

    Counts every funded project, shown publicly or not: an anonymous total is no one's personal data.
    """
    projects = funded_projects().aggregate(count=Count("pk"))["count"]

    def total(name):
        return Coalesce(Sum(name), Value(0), output_field=IntegerField())

    sums = Bilan.objects.filter(status=BilanStatus.ACCEPTED, application__in=funded_projects()).aggregate(
        participant_women=total("participant_women"),
        participant_men=total("participant_men"),
        mobilised_women=total("mobilised_women"),
        mobilised_men=total("mobilised_men"),
    )
    return KeyFigures(
        projects=projects,
        participants=GenderCount(sums["participant_women"], sums["participant_men"]),
        mobilised=GenderCount(sums["mobilised_women"], sums["mobilised_men"]),
    )
