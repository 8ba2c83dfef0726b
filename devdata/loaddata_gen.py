"""Deterministic load data: a whole region's worth of funds, requests, committees, payments and bilans.

Used by `manage.py generate_load_data` (the benchmark's database) and by the benchmark itself, which builds
small separate "worlds" (one association, one fund, one holder) to count the queries of each page at 10
and at 1,000 rows.

Everything comes from `random.Random` seeded with the given seed (one generator for the overall plan, one
per association for the details), and every timestamp is computed from a fixed reference day (`TODAY`),
never from the clock: the same seed and scale give the same references, amounts, titles and dates.

The rows are written with `bulk_create` (services, e-mails and audit entries are bypassed on purpose: this
is load data), but they follow the workflow: every status has the history, agenda items, votes, decisions,
payments and bilan that the services would have recorded, granted sums never exceed a fund's envelope,
references are numbered per fund in filing order, sessions hold at most `MAX_AGENDA` requests, and every
database constraint holds. Files are not written per row: attachments point to one shared tiny PDF and
photos to one shared tiny PNG.
"""

import datetime
import io
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.text import slugify

from accounts.models import User
from applications.budget import ExpenseCategory, ResourceCategory
from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    Holder,
    Message,
    ReferenceCounter,
    StatusChange,
)
from applications.workflow import Status
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    CvsAmbition,
    Fund,
    FundCoFunder,
    Funder,
    FunderStaff,
    Neighbourhood,
    Theme,
)
from funds.services import load_reference_data
from funds.validators import luhn_sum
from reports.models import (
    EFFECTS_WITH_PUBLICS,
    EXCLUSIVE_CHANGES,
    PUBLIC_FIELDS,
    Bilan,
    BilanAttachment,
    BilanExpense,
    BilanStatus,
    BudgetSide,
    CvsBilan,
    CvsBudgetItem,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
    Effect,
    EffectChange,
    EffectObservation,
    Perspective,
    ProgressStatus,
    changes_of,
)

PARIS = ZoneInfo("Europe/Paris")
# The day the load data "happens": 2023 and 2024 funds are over, 2025 funds are in their last quarter.
TODAY = datetime.date(2025, 10, 15)
YEARS = (2023, 2024, 2025)
MAX_AGENDA = 40  # requests on one session's agenda, at most
CENT = Decimal("0.01")
BATCH_SIZE = 2000
LOAD_PASSWORD = "charge-Portail-PIC-2025"  # every generated account's password (one hash, computed once)
DEFAULT_LABEL = "charge"

# At scale 1.0.
FULL = {
    "associations": 20,
    "requests": 20_000,
    "sessions": 500,
    "bilans": 8_000,
    "big_fund_requests": 1_100,  # one 2024 fund with over 1,000 filed projects: the annual report's worst case
    "busy_holder_requests": 100,  # one account with many requests: the holder's space's worst case
}

# (town, postcode, INSEE code)
TOWNS = (
    ("Roubaix", "59100", "59512"),
    ("Tourcoing", "59200", "59599"),
    ("Lille", "59000", "59350"),
    ("Wattrelos", "59150", "59650"),
    ("Villeneuve-d'Ascq", "59650", "59009"),
    ("Lens", "62300", "62498"),
    ("Liévin", "62800", "62510"),
    ("Calais", "62100", "62193"),
    ("Boulogne-sur-Mer", "62200", "62160"),
    ("Dunkerque", "59140", "59183"),
    ("Valenciennes", "59300", "59606"),
    ("Maubeuge", "59600", "59392"),
    ("Amiens", "80000", "80021"),
    ("Beauvais", "60000", "60057"),
    ("Creil", "60100", "60175"),
    ("Saint-Quentin", "02100", "02691"),
    ("Soissons", "02200", "02722"),
    ("Arras", "62000", "62041"),
    ("Douai", "59500", "59178"),
    ("Denain", "59220", "59172"),
)
ASSOCIATION_KINDS = ("Centre social", "Maison de quartier", "Espace de vie sociale", "Association de quartier")
QUARTER_NAMES = (
    "La Gare",
    "Les Provinces",
    "Le Faubourg",
    "Les Hauts Champs",
    "Le Parc",
    "La Résidence des Fleurs",
    "Les Tilleuls",
    "Le Bourg",
)
FIRST_NAMES = (
    "Amina",
    "Bruno",
    "Chloé",
    "Djamel",
    "Élodie",
    "Fatou",
    "Gaëlle",
    "Hakim",
    "Inès",
    "Jules",
    "Karima",
    "Louis",
    "Malika",
    "Nicolas",
    "Océane",
    "Patrice",
    "Rachida",
    "Samir",
    "Thérèse",
    "Yanis",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Benali",
    "Dubois",
    "Diallo",
    "Lefebvre",
    "Mercier",
    "Haddad",
    "Lambert",
    "Nguyen",
    "Fontaine",
    "Traoré",
    "Roux",
    "Morel",
    "Girard",
    "Boucher",
)
PROJECTS = (
    ("Fête des voisins", "Réunir les habitant·es de la rue autour d'un repas partagé et de jeux."),
    ("Atelier cuisine du monde", "Partager les recettes des familles du quartier et cuisiner ensemble."),
    ("Jardin partagé", "Aménager des bacs de culture au pied des immeubles et les entretenir ensemble."),
    ("Repair café", "Réparer ensemble petits appareils et vélos plutôt que de les jeter."),
    ("Sortie familles à la mer", "Offrir une journée à la mer aux familles qui ne partent pas en vacances."),
    ("Tournoi de foot inter-quartiers", "Faire se rencontrer les jeunes de plusieurs quartiers autour du sport."),
    ("Atelier d'écriture", "Écrire et lire ensemble, et éditer un petit recueil des textes du quartier."),
    ("Chorale du quartier", "Monter une chorale intergénérationnelle et donner un concert de fin d'année."),
    ("Carnaval des enfants", "Fabriquer les costumes et le char, puis défiler dans le quartier."),
    ("Café des parents", "Un rendez-vous mensuel pour échanger entre parents autour de l'éducation."),
    ("Fresque murale", "Peindre avec les habitant·es une fresque sur le mur de l'école."),
    ("Ciné plein air", "Projeter un film en plein air sur la place, avec une buvette associative."),
    ("Troc de vêtements", "Organiser une bourse d'échange de vêtements et de jouets d'enfants."),
    ("Initiation au numérique", "Aider les aîné·es à utiliser leur téléphone et les démarches en ligne."),
    ("Nettoyage du parc", "Une matinée de ramassage des déchets suivie d'un pique-nique."),
    ("Exposition photo du quartier", "Photographier le quartier et ses habitant·es, et exposer les tirages."),
)
TITLE_SUFFIXES = ("au printemps", "de l'été", "d'automne", "solidaire", "des familles", "")
PLACES = ("Salle polyvalente", "Square de la Paix", "Pied de la tour B", "Maison de quartier", "Place du marché")
PUBLICS = ("Familles du quartier", "Jeunes de 12 à 18 ans", "Aîné·es isolé·es", "Tous publics", "Parents et enfants")
EXPENSE_LABELS = {
    "60": ("Courses pour le repas", "Petit matériel", "Fournitures d'atelier", "Graines et terreau"),
    "61": ("Location de salle", "Location de sono", "Location d'un car"),
    "62": ("Impression des affiches", "Intervenant·e", "Transport"),
}
RESOURCE_LABELS = {"70": ("Buvette", "Participation des familles")}
DIFFICULTIES = (
    "La météo a réduit la fréquentation de l'après-midi.",
    "Il a été difficile de mobiliser les hommes du quartier.",
    "Le prêt de la salle a été confirmé tardivement.",
    "",
)
IDEAS = ("Recommencer l'an prochain avec plus de bénévoles.", "Un atelier mensuel plutôt qu'un seul évènement.", "")

# The minimal PDF and PNG every generated attachment points to.
SHARED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# --- Status mix -------------------------------------------------------------------------------------------
# Keys are statuses, except closed_* which tell how a closed request got there.

PAST_MIX = {
    "draft": 5,
    "withdrawn": 4,
    "ineligible": 2,
    "closed_ineligible": 6,
    "refused": 4,
    "closed_refused": 10,
    "deferred": 2,
    "closed_granted": 40,
    "balance_paid": 5,
    "bilan_received": 3,
    "bilan_due": 12,
    "advance_paid": 7,
}
CURRENT_MIX = {
    "draft": 8,
    "submitted": 6,
    "under_review": 6,
    "completion_requested": 3,
    "resubmitted": 2,
    "eligible": 5,
    "ineligible": 2,
    "closed_ineligible": 1,
    "withdrawn": 3,
    "on_agenda": 5,
    "deferred": 3,
    "refused": 5,
    "closed_refused": 2,
    "granted": 4,
    "advance_paid": 15,
    "bilan_due": 10,
    "bilan_received": 8,
    "balance_paid": 6,
    "closed_granted": 6,
}
AGENDA_KEYS = frozenset(
    {
        "on_agenda",
        "deferred",
        "refused",
        "closed_refused",
        "granted",
        "advance_paid",
        "bilan_due",
        "bilan_received",
        "balance_paid",
        "closed_granted",
    }
)
GRANTED_KEYS = ("granted", "advance_paid", "bilan_due", "bilan_received", "balance_paid", "closed_granted")
PAID_ADVANCE_KEYS = frozenset(GRANTED_KEYS[1:])
PAID_BALANCE_KEYS = frozenset({"balance_paid", "closed_granted"})
MANDATORY_BILAN = {"bilan_received": None, "balance_paid": BilanStatus.ACCEPTED, "closed_granted": BilanStatus.ACCEPTED}
OPTIONAL_BILAN = frozenset({"advance_paid", "bilan_due"})

SCHEME_MAX_GRANT = {
    Fund.Scheme.PIC: Decimal("1500"),
    Fund.Scheme.FPH: Decimal("800"),
    Fund.Scheme.FIFTY_FIFTY: Decimal("2000"),
    Fund.Scheme.CVS: Decimal("8000"),
}


def scheme_of(index: int) -> str:
    if index % 10 == 9:
        return Fund.Scheme.CVS
    if index % 5 == 3:
        return Fund.Scheme.FPH
    if index % 7 == 5:
        return Fund.Scheme.FIFTY_FIFTY
    return Fund.Scheme.PIC


# --- Specification ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """What to generate. `for_scale()` gives the region; the benchmark builds one-fund worlds with `world()`."""

    seed: int = 42
    label: str = DEFAULT_LABEL  # prefix of slugs and e-mail domains: tells these rows apart
    associations: int = FULL["associations"]
    years: tuple[int, ...] = YEARS
    requests: int = FULL["requests"]
    sessions: int | None = FULL["sessions"]  # None: as few as the agendas need
    bilans: int | None = FULL["bilans"]  # None: every request that may have one
    big_fund_requests: int = FULL["big_fund_requests"]
    busy_holder_requests: int = FULL["busy_holder_requests"]
    single_holder: bool = False  # every request filed by one account
    own_funder: bool = False  # a co-funder of its own instead of the Région (the world's dashboard shows it alone)
    own_neighbourhood: bool = False  # a QPV of its own (the world's showcase can be filtered on it)

    @classmethod
    def for_scale(cls, *, seed: int = 42, scale: float = 1.0, label: str = DEFAULT_LABEL) -> "Spec":
        if scale <= 0:
            raise ValueError("The scale must be positive.")
        requests = max(1, round(FULL["requests"] * scale))
        return cls(
            seed=seed,
            label=label,
            associations=max(2, round(FULL["associations"] * scale)),
            requests=requests,
            sessions=max(1, round(FULL["sessions"] * scale)),
            bilans=round(FULL["bilans"] * scale),
            big_fund_requests=max(1, min(requests // 2, round(FULL["big_fund_requests"] * scale))),
            busy_holder_requests=max(1, round(FULL["busy_holder_requests"] * scale)),
        )

    @classmethod
    def world(cls, *, label: str, requests: int, seed: int = 42, year: int = 2025) -> "Spec":
        """One association, one fund, one holder with every request, its own co-funder and QPV."""
        return cls(
            seed=seed,
            label=label,
            associations=1,
            years=(year,),
            requests=requests,
            sessions=None,
            bilans=None,
            big_fund_requests=requests,
            busy_holder_requests=requests,
            single_holder=True,
            own_funder=True,
            own_neighbourhood=True,
        )


@dataclass
class Summary:
    spec: Spec
    counts: dict[str, int] = field(default_factory=dict)  # rows written, by model label
    seconds: float = 0.0
    # Handy rows for the benchmark.
    association_slugs: list[str] = field(default_factory=list)
    fund_slugs: list[str] = field(default_factory=list)
    staff_emails: list[str] = field(default_factory=list)
    funder_staff_emails: list[str] = field(default_factory=list)
    busy_holder_email: str = ""
    neighbourhood_codes: list[str] = field(default_factory=list)

    def count(self, model: type[models.Model]) -> int:
        return self.counts.get(model._meta.label, 0)


def load_data_present(label: str = DEFAULT_LABEL) -> bool:
    return CarrierAssociation.objects.filter(slug__startswith=f"{label}-").exists()


# --- Small helpers ----------------------------------------------------------------------------------------


def make_siret(number: int) -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn rule, built from a number."""
    body = f"{number:08d}"[-8:]
    siren = next(body + str(d) for d in range(10) if luhn_sum(body + str(d)) % 10 == 0)
    nic = "0001"
    return next(siren + nic + str(d) for d in range(10) if luhn_sum(siren + nic + str(d)) % 10 == 0)


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split `total` in whole parts proportional to `weights` that add up exactly to `total`."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def between(start: datetime.datetime, end: datetime.datetime, fraction: float) -> datetime.datetime:
    """The instant at `fraction` of the way from start to end, to the minute."""
    moment = start + (end - start) * fraction
    return moment.replace(second=0, microsecond=0)


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


@contextmanager
def explicit_timestamps(*model_classes) -> Iterator[None]:
    """Let bulk_create keep the dates we give (auto_now / auto_now_add would stamp the clock's)."""
    saved = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                saved.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def _shared_files(label: str) -> tuple[str, str, int, int]:
    """Write (once) the tiny PDF and PNG every generated attachment points to; their names and sizes."""
    from PIL import Image

    pdf_name = f"private/{label}/piece-jointe.pdf"
    png_name = f"private/{label}/photo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 110, 180)).save(buffer, format="PNG")
    png = buffer.getvalue()
    for name, content in ((pdf_name, SHARED_PDF), (png_name, png)):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
    return pdf_name, png_name, len(SHARED_PDF), len(png)


# --- Writing ----------------------------------------------------------------------------------------------

THROUGH_THEMES = Fund.themes.through
THROUGH_NEIGHBOURHOODS = Fund.neighbourhoods.through
THROUGH_AMBITIONS = Fund.ambitions.through
THROUGH_ASSOCIATION_QPV = CarrierAssociation.neighbourhoods.through

# Parents before children: bulk_create reads each parent's primary key when it writes the child.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Commune,
    Neighbourhood,
    Neighbourhood.communes.through,
    User,
    Holder,
    CarrierAssociation,
    THROUGH_ASSOCIATION_QPV,
    AssociationStaff,
    FunderStaff,
    Fund,
    THROUGH_THEMES,
    THROUGH_NEIGHBOURHOODS,
    THROUGH_AMBITIONS,
    FundCoFunder,
    ReferenceCounter,
    Committee,
    CommitteeMember,
    Application,
    BudgetLine,
    Attachment,
    StatusChange,
    Message,
    CommitteeSession,
    AgendaItem,
    Attendance,
    Recusal,
    Vote,
    Decision,
    Amendment,
    Payment,
    Bilan,
    BilanExpense,
    EffectObservation,
    EffectChange,
    BilanAttachment,
    CvsBilan,
    CvsObjective,
    CvsPartner,
    CvsBudgetLine,
)


class Writer:
    """Collects unsaved rows by model, then writes them in dependency order with bulk_create."""

    def __init__(self):
        self.pending: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter = Counter()

    def add(self, instance: models.Model) -> models.Model:
        self.pending[type(instance)].append(instance)
        return instance

    def flush(self) -> None:
        unknown = set(self.pending) - set(WRITE_ORDER)
        if unknown:
            raise RuntimeError(f"No write order for {sorted(m._meta.label for m in unknown)}")
        with explicit_timestamps(*WRITE_ORDER):
            for model in WRITE_ORDER:
                rows = self.pending.pop(model, [])
                if rows:
                    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                    self.counts[model._meta.label] += len(rows)


# --- Planning ---------------------------------------------------------------------------------------------


@dataclass
class FundPlan:
    association_index: int
    year: int
    requests: int
    keys: list[str] = field(default_factory=list)  # one status key per request, in random order
    with_bilan: set[int] = field(default_factory=set)  # positions (in `keys`) of requests that have a bilan
    sessions: int = 0

    @property
    def current(self) -> bool:
        return self.year >= TODAY.year


def _mix_for(year: int) -> dict[str, int]:
    return CURRENT_MIX if year >= TODAY.year else PAST_MIX


def _keys(rng: random.Random, count: int, mix: dict[str, int]) -> list[str]:
    names = list(mix)
    parts = largest_remainder(count, [mix[name] for name in names])
    keys = [name for name, part in zip(names, parts, strict=True) for _ in range(part)]
    rng.shuffle(keys)
    return keys


def _presentations(keys: list[str]) -> tuple[int, int]:
    """(closed-session presentations, planned-session presentations) before deferrals are added."""
    closed = sum(1 for key in keys if key in AGENDA_KEYS and key != "on_agenda")
    planned = sum(1 for key in keys if key == "on_agenda")
    return closed, planned


def plan_region(spec: Spec) -> list[FundPlan]:
    """How many requests each fund receives, their statuses, which have a bilan, how many sessions each holds."""
    rng = random.Random(f"{spec.seed}:{spec.label}:plan")
    funds = [FundPlan(a, year, 0) for a in range(spec.associations) for year in spec.years]
    big_year = 2024 if 2024 in spec.years else spec.years[0]
    big = next(i for i, plan in enumerate(funds) if plan.association_index == 0 and plan.year == big_year)
    weights = [rng.uniform(0.6, 1.4) * (2.0 if plan.association_index == 0 else 1.0) for plan in funds]
    big_count = spec.requests if len(funds) == 1 else min(spec.big_fund_requests, spec.requests)
    others = largest_remainder(spec.requests - big_count, [w for i, w in enumerate(weights) if i != big])
    others.insert(big, big_count)
    for plan, count in zip(funds, others, strict=True):
        plan.requests = count
        plan.keys = _keys(rng, plan.requests, _mix_for(plan.year))

    # Bilans: every request whose bilan is filed, plus drafts and returned bilans to reach the target.
    mandatory = sum(1 for plan in funds for key in plan.keys if key in MANDATORY_BILAN)
    optional = [(i, pos) for i, plan in enumerate(funds) for pos, key in enumerate(plan.keys) if key in OPTIONAL_BILAN]
    wanted = len(optional) + mandatory if spec.bilans is None else spec.bilans
    extra = min(max(wanted - mandatory, 0), len(optional))
    for plan in funds:
        plan.with_bilan = {pos for pos, key in enumerate(plan.keys) if key in MANDATORY_BILAN}
    for i, pos in rng.sample(optional, extra):
        funds[i].with_bilan.add(pos)

    # Sessions: enough for agendas of at most MAX_AGENDA requests; the rest in proportion to the agendas.
    minimum = []
    for plan in funds:
        closed, planned = _presentations(plan.keys)
        # Deferred-then-decided requests take a second seat: about one in ten decided requests.
        closed = closed + closed // 10
        needed = max(1, math.ceil(closed / MAX_AGENDA))
        if plan.current:
            needed += max(1, math.ceil(planned / MAX_AGENDA))
        minimum.append(needed)
    total = sum(minimum) if spec.sessions is None else max(spec.sessions, sum(minimum))
    extra_sessions = largest_remainder(total - sum(minimum), [max(_presentations(plan.keys)[0], 1) for plan in funds])
    for plan, needed, more in zip(funds, minimum, extra_sessions, strict=True):
        plan.sessions = needed + more
    return funds


# --- Generation -------------------------------------------------------------------------------------------


@dataclass
class Shared:
    """Rows every association uses: reference data, the Région and other co-funders, the shared files."""

    themes: list[Theme]
    ambitions: list[CvsAmbition]
    neighbourhoods: list[Neighbourhood]
    region: Funder
    partners: list[Funder]
    password: str
    pdf_name: str
    png_name: str
    pdf_size: int
    png_size: int


class Generator:
    def __init__(self, spec: Spec):
        self.spec = spec
        self.writer = Writer()
        self.summary = Summary(spec=spec)
        self.user_number = 0

    # -- accounts --------------------------------------------------------------------------------------

    def _user(self, rng: random.Random, local: str, *, joined: datetime.datetime) -> User:
        self.user_number += 1
        return self.writer.add(
            User(
                email=f"{local}@{self.spec.label}.example.org",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=self.shared.password,
                email_confirmed_at=joined,
                date_joined=joined,
                is_active=True,
            )
        )

    def _holder(self, rng, owner: User, number: int, joined: datetime.datetime, town: str, postcode: str) -> Holder:
        kind = Holder.Kind.ASSOCIATION if rng.random() < 0.3 else Holder.Kind.GROUP
        street = rng.choice(("des Tilleuls", "de la Paix", "Jean Jaurès", "Victor Hugo", "du Marché"))
        name = f"Les voisins de la rue {street} n° {number}"
        if kind == Holder.Kind.ASSOCIATION:
            name = f"Association {rng.choice(('Vivre ensemble', 'Quartier solidaire', 'Les Ateliers'))} {number}"
        return self.writer.add(
            Holder(
                owner=owner,
                kind=kind,
                name=name,
                referent_name=f"{owner.first_name} {owner.last_name}",
                referent_phone=f"06{rng.randrange(10**8):08d}",
                co_holders_count=rng.randint(1, 6) if kind == Holder.Kind.GROUP else 0,
                co_holders_first_names=", ".join(rng.sample(FIRST_NAMES, 2)) if kind == Holder.Kind.GROUP else "",
                siret=make_siret(60_000_000 + number) if kind == Holder.Kind.ASSOCIATION else "",
                rna=f"W59{rng.randrange(10**7):07d}" if kind == Holder.Kind.ASSOCIATION else "",
                address=f"{rng.randint(1, 120)} rue {street}",
                postcode=postcode,
                city=town,
                republican_commitment_accepted_at=joined if kind == Holder.Kind.ASSOCIATION else None,
                created_at=joined,
                updated_at=joined,
            )
        )

    # -- shared rows -----------------------------------------------------------------------------------

    def _prepare_shared(self) -> None:
        spec = self.spec
        load_reference_data()
        themes = list(Theme.objects.filter(is_active=True).order_by("position", "name"))
        ambitions = list(CvsAmbition.objects.select_related("stake").order_by("stake__number", "position"))
        if spec.own_funder:
            region, _ = Funder.objects.get_or_create(name=f"Financeur {spec.label}", defaults={"kind": "region"})
        else:
            region, _ = Funder.objects.get_or_create(name="Région Hauts-de-France", defaults={"kind": "region"})
        partners = []
        for name, kind in (
            ("État — Préfecture de région", Funder.Kind.STATE),
            ("CAF du Nord", Funder.Kind.CAF),
            ("Bailleur social Partenord Habitat", Funder.Kind.LANDLORD),
        ):
            partners.append(Funder.objects.get_or_create(name=name, defaults={"kind": kind})[0])
        pdf_name, png_name, pdf_size, png_size = _shared_files(spec.label)
        self.shared = Shared(
            themes=themes,
            ambitions=ambitions,
            neighbourhoods=list(Neighbourhood.objects.prefetch_related("communes").order_by("code")),
            region=region,
            partners=[] if spec.own_funder else partners,
            password=make_password(LOAD_PASSWORD),
            pdf_name=pdf_name,
            png_name=png_name,
            pdf_size=pdf_size,
            png_size=png_size,
        )

    def _qpvs_for(self, rng: random.Random, index: int, town: str, postcode: str, insee: str) -> list[Neighbourhood]:
        """The QPVs an association serves: the reference QPVs of its town, else new ones named after it."""
        spec = self.spec
        if spec.own_neighbourhood:
            code = f"QNB{spec.label[-8:]}"[:12]
            neighbourhood = Neighbourhood.objects.filter(code=code).first() or Neighbourhood.objects.create(
                code=code, name=f"Quartier {spec.label}", region_code="32", department_code=postcode[:2]
            )
            return [neighbourhood]
        local = [n for n in self.shared.neighbourhoods if any(c.insee_code == insee for c in n.communes.all())]
        if local:
            return rng.sample(local, min(len(local), rng.randint(1, 3)))
        commune = Commune.objects.filter(insee_code=insee).first()
        if commune is None:
            commune = Commune.objects.create(insee_code=insee, name=town, department_code=postcode[:2])
        created = []
        for n in range(rng.randint(1, 3)):
            code = f"QNX{index:03d}{n}"
            neighbourhood = Neighbourhood.objects.filter(code=code).first()
            if neighbourhood is None:
                neighbourhood = Neighbourhood.objects.create(
                    code=code,
                    name=f"{QUARTER_NAMES[(index + n) % len(QUARTER_NAMES)]} ({town})",
                    region_code="32",
                    region_name="Hauts-de-France",
                    department_code=postcode[:2],
                )
                neighbourhood.communes.add(commune)
            created.append(neighbourhood)
        return created

    # -- the whole run ---------------------------------------------------------------------------------

    def run(self) -> Summary:
        started = time.perf_counter()
        spec = self.spec
        self._prepare_shared()
        plans = plan_region(spec)
        by_association = defaultdict(list)
        for plan in plans:
            by_association[plan.association_index].append(plan)

        # Funder staff: two for the Région (or the world's own co-funder).
        rng = random.Random(f"{spec.seed}:{spec.label}:funders")
        joined = at(datetime.date(min(spec.years) - 1, 12, 1), 9)
        for n in (1, 2):
            user = self._user(rng, f"financeur{n}", joined=joined)
            self.writer.add(FunderStaff(funder=self.shared.region, user=user))
            self.summary.funder_staff_emails.append(user.email)

        for index in range(spec.associations):
            self._association(index, by_association[index])
            self.writer.flush()
        self.summary.counts = dict(self.writer.counts)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    # -- one association and its funds -----------------------------------------------------------------

    def _association(self, index: int, plans: list[FundPlan]) -> None:
        spec, writer = self.spec, self.writer
        rng = random.Random(f"{spec.seed}:{spec.label}:association:{index}")
        town, postcode, insee = TOWNS[index % len(TOWNS)]
        kind = ASSOCIATION_KINDS[index % len(ASSOCIATION_KINDS)]
        suffix = f" {index // len(TOWNS) + 1}" if index >= len(TOWNS) else ""
        slug = f"{spec.label}-{index:02d}-{slugify(town)}"
        joined = at(datetime.date(min(spec.years) - 1, 11, 1), 9)
        association = writer.add(
            CarrierAssociation(
                name=f"{kind} {town}{suffix}",
                slug=slug[:80],
                siret=make_siret(30_000_000 + self._label_offset() + index),
                rna=f"W{postcode[:2]}{rng.randrange(10**7):07d}",
                address=f"{rng.randint(1, 80)} rue de la République",
                postcode=postcode,
                city=town,
                contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                contact_email=f"contact{index}@{spec.label}.example.org",
                contact_phone=f"03{rng.randrange(10**8):08d}",
            )
        )
        self.summary.association_slugs.append(association.slug)
        qpvs = self._qpvs_for(rng, index, town, postcode, insee)
        self.summary.neighbourhood_codes.extend(n.code for n in qpvs)
        for neighbourhood in qpvs:
            writer.add(THROUGH_ASSOCIATION_QPV(carrierassociation=association, neighbourhood=neighbourhood))
        staff = []
        for n in (1, 2):
            user = self._user(rng, f"equipe{index:02d}-{n}", joined=joined)
            writer.add(AssociationStaff(association=association, user=user, since=joined.date()))
            staff.append(user)
            self.summary.staff_emails.append(user.email)
        city = None
        if not spec.own_funder:
            city, _ = Funder.objects.get_or_create(
                name=f"Ville de {town}",
                defaults={"kind": Funder.Kind.CITY, "commune": Commune.objects.filter(insee_code=insee).first()},
            )

        # Holders: a pool per association; the busy account is the first of association 0.
        requests_total = sum(plan.requests for plan in plans)
        pool_size = 1 if spec.single_holder else max(1, round(requests_total * 0.42))
        owners, holders = [], []
        for n in range(pool_size):
            owner_joined = at(datetime.date(min(spec.years), 1, 2) + datetime.timedelta(days=rng.randrange(600)), 10)
            owner_joined = min(owner_joined, at(TODAY, 9))
            owner = self._user(rng, f"porteur{index:02d}-{n:05d}", joined=owner_joined)
            owners.append(owner)
            number = index * 100_000 + n
            first = self._holder(rng, owner, number, owner_joined, town, postcode)
            mine = [first]
            if rng.random() < 0.1:
                mine.append(self._holder(rng, owner, number + 50_000, owner_joined, town, postcode))
            holders.append(mine)
        if index == 0:
            self.summary.busy_holder_email = owners[0].email
        # Which owner files each request of this association (in fund order, then request order).
        busy = min(spec.busy_holder_requests, requests_total) if index == 0 else 0
        if spec.single_holder:
            owner_of = [0] * requests_total
        else:
            rest = list(range(1, pool_size)) or [0]
            cum, running = [], 0.0
            for k in range(len(rest)):
                running += 1 / math.sqrt(k + 1)
                cum.append(running)
            owner_of = [0] * busy + rng.choices(rest, cum_weights=cum, k=requests_total - busy)
            rng.shuffle(owner_of)

        position = 0
        for plan in plans:
            count = plan.requests
            self._fund(
                rng, index, association, town, plan, staff, city, qpvs, owners, holders, owner_of[position:][:count]
            )
            position += count

    def _label_offset(self) -> int:
        # Distinct SIRET ranges for distinct labels (the bench's worlds live next to the region's data).
        return sum(ord(c) * (i + 1) for i, c in enumerate(self.spec.label)) * 100 % 9_000_000

    def _fund(self, rng, index, association, town, plan: FundPlan, staff, city, qpvs, owners, holders, owner_of):
        spec, shared, writer = self.spec, self.shared, self.writer
        year = plan.year
        scheme = scheme_of(index)
        prefix = {"fifty_fifty": "FF"}.get(scheme, scheme.upper())
        max_grant = SCHEME_MAX_GRANT[scheme]
        opens, closes = datetime.date(year, 1, 15), datetime.date(year, 11, 30)
        fund = Fund(
            association=association,
            name=f"{prefix} {town} {year}",
            slug=f"{association.slug}-{scheme.replace('_', '-')}-{year}"[:80],
            scheme=scheme,
            year=year,
            description=f"Le fonds {prefix} de {town} soutient les projets des habitant·es des quartiers prioritaires.",
            is_published=True,
            envelope=Decimal("0"),  # set below, once the grants are known
            call_opens_on=opens,
            call_closes_on=closes,
            max_grant=max_grant,
            max_grant_second_request=(max_grant / 2).quantize(CENT) if rng.random() < 0.3 else None,
            filing_days_before_committee=15,
            advance_percent=Decimal(rng.choice(("80", "80", "70"))),
            bilan_due_days=rng.choice((30, 30, 60)),
            block_requests_if_bilan_overdue=rng.random() < 0.2,
            created_at=at(datetime.date(year - 1, 12, 1), 10),
        )
        self.summary.fund_slugs.append(fund.slug)
        fund_themes = (
            shared.themes if scheme == Fund.Scheme.PIC else rng.sample(shared.themes, min(7, len(shared.themes)))
        )
        fund_ambitions = (
            rng.sample(shared.ambitions, min(8, len(shared.ambitions))) if scheme == Fund.Scheme.CVS else []
        )
        committee = Committee(
            fund=fund,
            name=f"Comité d'attribution {prefix} {town} {year}",
            decision_rule=Committee.DecisionRule.ABSOLUTE_MAJORITY
            if rng.random() < 0.2
            else Committee.DecisionRule.SIMPLE_MAJORITY,
        )
        members = []
        for n, college in enumerate(["resident"] * 4 + ["association"] * 3 + ["ex_officio"] * 2):
            members.append(
                CommitteeMember(
                    committee=committee,
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n + 1}",
                    college=college,
                    email=f"membre{index:02d}-{year}-{n}@{spec.label}.example.org",
                    organisation="" if college == "resident" else rng.choice(("Mairie", "Bailleur", "Association")),
                    mandate_start=datetime.date(year, 1, 1),
                    mandate_end=datetime.date(year, 12, 31),
                )
            )
        voting = [m for m in members if m.college != "ex_officio"]

        # Sessions: closed ones spread over the year (up to a week before TODAY for the current year),
        # then, for the current year, the planned ones after TODAY.
        planned_count = 0
        if plan.current:
            planned_count = max(1, math.ceil(sum(1 for k in plan.keys if k == "on_agenda") / MAX_AGENDA))
        closed_count = max(1, plan.sessions - planned_count)
        season_start = datetime.date(year, 3, 1)
        season_end = TODAY - datetime.timedelta(days=7) if plan.current else datetime.date(year, 12, 10)
        span = (season_end - season_start).days
        sessions = []
        for k in range(closed_count):
            day = season_start + datetime.timedelta(days=int(span * (k + 0.5) / closed_count))
            sessions.append(self._session(committee, day, closed=True, creator=staff[k % 2], rng=rng))
        planned = []
        for k in range(planned_count):
            day = TODAY + datetime.timedelta(days=14 * (k + 1))
            planned.append(self._session(committee, day, closed=False, creator=staff[k % 2], rng=rng))

        # Requests: their content and where they sit on agendas.
        requests = []
        for pos, key in enumerate(plan.keys):
            owner_index = owner_of[pos] if pos < len(owner_of) else 0
            content = self._request_content(
                rng, fund, key, owners[owner_index], holders[owner_index], fund_themes, fund_ambitions, qpvs, max_grant
            )
            content.update(order=pos, bilan=pos in plan.with_bilan)
            requests.append(content)
        self._requests_by_order = requests
        seats = self._seat(rng, requests, sessions, planned, force_full=plan.association_index == 0)

        # Dates, numbers, history, money.
        self._timeline(rng, fund, requests, seats, staff)
        filed = sorted((r for r in requests if r["submitted_at"]), key=lambda r: (r["submitted_at"], r["order"]))
        for number, request in enumerate(filed, start=1):
            request["app"].number = number
            request["app"].reference = f"{prefix}-{year}-{number:04d}"
        granted_total = sum((r["granted"] for r in requests if r.get("granted")), Decimal("0"))
        factor = Decimal(str(rng.uniform(1.25, 1.5) if plan.current else rng.uniform(1.03, 1.12)))
        envelope = max(round_to(granted_total * factor, 1000) + 1000, max_grant * 5)
        fund.envelope = envelope
        # Co-funders: the Région 50 to 70 %, the city the rest, sometimes a third partner.
        region_share = round_to(envelope * Decimal(str(rng.uniform(0.5, 0.7))), 100)
        shares = [(shared.region, region_share)]
        rest = envelope - region_share
        if city is not None and shared.partners and rng.random() < 0.3:
            third = round_to(rest * Decimal("0.3"), 100)
            shares += [(city, rest - third), (rng.choice(shared.partners), third)]
        elif city is not None:
            shares.append((city, rest))
        else:
            shares = [(shared.region, envelope)]

        writer.add(fund)
        for theme in fund_themes:
            writer.add(THROUGH_THEMES(fund=fund, theme=theme))
        for neighbourhood in qpvs:
            writer.add(THROUGH_NEIGHBOURHOODS(fund=fund, neighbourhood=neighbourhood))
        for ambition in fund_ambitions:
            writer.add(THROUGH_AMBITIONS(fund=fund, cvsambition=ambition))
        for funder, amount in shares:
            writer.add(FundCoFunder(fund=fund, funder=funder, amount=amount))
        writer.add(ReferenceCounter(fund=fund, last_number=len(filed)))
        writer.add(committee)
        for member in members:
            writer.add(member)
        for request in requests:
            self._write_request(rng, request, staff)
        for session in sessions + planned:
            writer.add(session)
        self._write_sessions(rng, fund, sessions, planned, seats, members, voting, staff)
        for request in requests:
            self._write_money_and_bilan(rng, fund, request, staff)

    # -- sessions --------------------------------------------------------------------------------------

    def _session(self, committee, day, *, closed: bool, creator, rng) -> CommitteeSession:
        created = at(day - datetime.timedelta(days=30), 9)
        return CommitteeSession(
            committee=committee,
            date=day,
            time=datetime.time(18, 0),
            place=rng.choice(("Salle du conseil", "Maison de quartier", "Centre social, salle 2")),
            status=CommitteeSession.Status.CLOSED if closed else CommitteeSession.Status.PLANNED,
            convocations_sent_at=at(day - datetime.timedelta(days=10), 9) if closed else None,
            opened_at=at(day, 18, 5) if closed else None,
            closed_at=at(day, 21, 30) if closed else None,
            created_by=creator,
            created_at=created,
        )

    def _seat(self, rng, requests, sessions, planned, *, force_full: bool) -> dict[int, list[tuple[int, str]]]:
        """Put requests on agendas. Returns, by session index, (request order, role) where the role is
        "deferral" (a first presentation ending in a deferral) or "final"; planned sessions come after the
        closed ones in the numbering. At most MAX_AGENDA requests per session."""
        closed_n = len(sessions)
        finals = [r["order"] for r in requests if r["key"] in AGENDA_KEYS and r["key"] != "on_agenda"]
        pairs = [o for o in finals if requests[o]["key"] not in ("deferred",) and rng.random() < 0.1]
        pairs = pairs[: max(0, closed_n * MAX_AGENDA - len(finals))] if closed_n >= 2 else []
        pair_set = set(pairs)
        singles = [o for o in finals if o not in pair_set]
        total = len(finals) + len(pairs)
        capacity = [0] * closed_n
        for k, part in enumerate(largest_remainder(total, [1.0] * closed_n)):
            capacity[k] = min(part, MAX_AGENDA)
        overflow = total - sum(capacity)
        for k in range(closed_n):  # if even parts exceed the cap, spread what is left over the others
            room = MAX_AGENDA - capacity[k]
            take = min(room, overflow)
            capacity[k] += take
            overflow -= take
        if overflow:
            raise RuntimeError("Not enough sessions for the agendas.")
        seats: dict[int, list[tuple[int, str]]] = defaultdict(list)
        remaining = list(capacity)
        if force_full and closed_n > 2 and total >= MAX_AGENDA * 2 and len(singles) >= MAX_AGENDA:
            # One session with a full agenda: the minutes' worst case.
            full = closed_n // 2
            others = largest_remainder(total - MAX_AGENDA, [1.0] * (closed_n - 1))
            remaining = others[:full] + [MAX_AGENDA] + others[full:]
            for _ in range(MAX_AGENDA):
                seats[full].append((singles.pop(), "final"))
            remaining[full] = 0
        for order in pairs:
            best = max(range(1, closed_n), key=lambda j: (min(remaining[j - 1], remaining[j]), -j))
            if min(remaining[best - 1], remaining[best]) < 1:
                singles.append(order)
                continue
            seats[best - 1].append((order, "deferral"))
            seats[best].append((order, "final"))
            remaining[best - 1] -= 1
            remaining[best] -= 1
        rng.shuffle(singles)
        k = 0
        for order in singles:
            while remaining[k] <= 0:
                k += 1
            seats[k].append((order, "final"))
            remaining[k] -= 1
        on_agenda = [r["order"] for r in requests if r["key"] == "on_agenda"]
        for n, order in enumerate(on_agenda):
            seats[closed_n + n // MAX_AGENDA].append((order, "final"))
        # Remember each request's sessions, in date order.
        for session_index in sorted(seats):
            for order, role in seats[session_index]:
                requests[order]["seats"].append((session_index, role))
        self._all_sessions = sessions + planned
        return seats

    # -- requests --------------------------------------------------------------------------------------

    def _request_content(self, rng, fund, key, owner, owner_holders, themes, ambitions, qpvs, max_grant) -> dict:
        title, objective = rng.choice(PROJECTS)
        amount = round_to(Decimal(rng.uniform(0.2, 1.0)) * max_grant, 10)
        amount = min(max(amount, Decimal("100")), max_grant)
        draft = key == "draft"
        app = Application(
            fund=fund,
            created_by=owner,
            holder=None if draft and rng.random() < 0.3 else rng.choice(owner_holders),
            status=Status.CLOSED if key.startswith("closed_") else key,
            title=f"{title} {rng.choice(TITLE_SUFFIXES)}".strip(),
            theme=rng.choice(themes) if themes else None,
            ambition=rng.choice(ambitions) if ambitions else None,
            objectives=objective,
            description=f"{objective} Le projet est préparé par un groupe d'habitant·es avec l'appui du centre social. "
            * rng.randint(1, 3),
            place=rng.choice(PLACES),
            neighbourhood=rng.choice(qpvs),
            expected_public=rng.choice(PUBLICS),
            expected_women=rng.randint(5, 80),
            expected_men=rng.randint(5, 60),
            residents_mobilised=rng.randint(2, 15),
            amount_requested=None if draft and rng.random() < 0.4 else amount,
            showcase_consent=rng.random() < 0.6,
            last_step=rng.choice(list(Application.Step.values)) if draft else Application.Step.SUMMARY,
        )
        return {
            "order": 0,
            "key": key,
            "app": app,
            "owner": owner,
            "bilan": False,
            "seats": [],
            "submitted_at": None,
            "events": [],
            "granted": None,
        }

    def _timeline(self, rng, fund, requests, seats, staff) -> None:
        """Dates, status history, decisions' amounts for every request of a fund."""
        opens = at(fund.call_opens_on, 9)
        window_end = min(at(fund.call_closes_on, 18), at(TODAY, 9))
        sessions = self._all_sessions
        today_noon = at(TODAY, 12)
        for request in requests:
            key, app, owner = request["key"], request["app"], request["owner"]
            reviewer = staff[rng.randrange(len(staff))]
            events = request["events"]  # (transition, from, to, at, actor, comment)

            def event(transition, source, target, moment, actor, comment="", _events=events):
                _events.append((transition, source, target, moment, actor, comment))

            if key == "draft":
                created = between(opens, window_end, rng.random())
                app.created_at = created
                app.updated_at = created + datetime.timedelta(minutes=rng.randint(5, 600))
                app.starts_at = at(created.date() + datetime.timedelta(days=rng.randint(30, 90)), 14)
                app.ends_at = app.starts_at + datetime.timedelta(hours=4)
                continue
            if request["seats"]:
                first_session = sessions[request["seats"][0][0]]
                deadline = at(first_session.date - datetime.timedelta(days=fund.filing_days_before_committee), 12)
                submitted = deadline - datetime.timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
                submitted = max(submitted, opens + datetime.timedelta(hours=rng.randint(1, 48)))
                # Put on the agenda a week before the session, or by TODAY for the sessions still to come.
                agenda = min(at(first_session.date - datetime.timedelta(days=7), 10), at(TODAY, 9))
            else:
                submitted = between(opens, window_end, rng.random())
                agenda = None
            request["submitted_at"] = submitted
            app.submitted_at = submitted
            app.created_at = submitted - datetime.timedelta(days=rng.randint(1, 15), minutes=rng.randint(0, 300))
            app.created_at = max(app.created_at, opens - datetime.timedelta(hours=1))
            event("submit", Status.DRAFT, Status.SUBMITTED, submitted, owner)
            end = agenda or min(submitted + datetime.timedelta(days=60), today_noon)
            if end <= submitted:
                end = submitted + datetime.timedelta(hours=2)
            completion = rng.random() < 0.1

            if key in ("submitted",):
                pass
            elif key == "withdrawn":
                source = Status.SUBMITTED
                if rng.random() < 0.5:
                    event("start_review", Status.SUBMITTED, Status.UNDER_REVIEW, between(submitted, end, 0.2), reviewer)
                    source = Status.UNDER_REVIEW
                event(
                    "withdraw",
                    source,
                    Status.WITHDRAWN,
                    between(submitted, end, 0.5),
                    owner,
                    "Le projet ne peut plus avoir lieu cette année.",
                )
            else:
                event("start_review", Status.SUBMITTED, Status.UNDER_REVIEW, between(submitted, end, 0.15), reviewer)
                last = Status.UNDER_REVIEW
                if key in ("completion_requested", "resubmitted") or (key not in ("under_review",) and completion):
                    event(
                        "request_completion",
                        Status.UNDER_REVIEW,
                        Status.COMPLETION_REQUESTED,
                        between(submitted, end, 0.3),
                        reviewer,
                        "Merci de joindre un devis pour la location de salle.",
                    )
                    if key != "completion_requested":
                        event(
                            "resubmit",
                            Status.COMPLETION_REQUESTED,
                            Status.RESUBMITTED,
                            between(submitted, end, 0.45),
                            owner,
                            "Le devis est joint.",
                        )
                        app.version = 2
                        last = Status.RESUBMITTED
                    else:
                        last = Status.COMPLETION_REQUESTED
                if key in ("ineligible", "closed_ineligible"):
                    event(
                        "declare_ineligible",
                        last,
                        Status.INELIGIBLE,
                        between(submitted, end, 0.7),
                        reviewer,
                        "Le projet ne se déroule pas dans un quartier prioritaire.",
                    )
                    if key == "closed_ineligible":
                        event("close", Status.INELIGIBLE, Status.CLOSED, between(submitted, end, 0.9), reviewer)
                elif key in AGENDA_KEYS or key == "eligible":
                    event("declare_eligible", last, Status.ELIGIBLE, between(submitted, end, 0.7), reviewer)
            if key in AGENDA_KEYS:
                self._committee_path(rng, fund, request, reviewer, agenda, today_noon)
            app.updated_at = max(e[3] for e in events)
            if not app.starts_at:
                base = app.submitted_at.date()
                app.starts_at = at(base + datetime.timedelta(days=rng.randint(40, 120)), 14)
                app.ends_at = app.starts_at + datetime.timedelta(hours=rng.choice((3, 4, 6)))

    def _committee_path(self, rng, fund, request, reviewer, agenda, today_noon) -> None:
        key, app, owner, events = request["key"], request["app"], request["owner"], request["events"]
        sessions = self._all_sessions
        put = agenda
        events.append(("put_on_agenda", Status.ELIGIBLE, Status.ON_AGENDA, put, reviewer, ""))
        for session_index, role in request["seats"]:
            session = sessions[session_index]
            decided_at = at(session.date, 19, rng.randint(0, 59))
            if role == "deferral":
                events.append(
                    (
                        "defer",
                        Status.ON_AGENDA,
                        Status.DEFERRED,
                        decided_at,
                        reviewer,
                        "Le comité souhaite rencontrer le porteur.",
                    )
                )
                request.setdefault("deferrals", []).append(session_index)
                again = max(decided_at + datetime.timedelta(days=1), at(session.date, 21) + datetime.timedelta(days=2))
                events.append(("put_on_agenda", Status.DEFERRED, Status.ON_AGENDA, again, reviewer, ""))
                continue
            request["final_session"] = session_index
            if key == "on_agenda":
                break
            if key == "deferred":
                events.append(
                    ("defer", Status.ON_AGENDA, Status.DEFERRED, decided_at, reviewer, "Le budget doit être précisé.")
                )
                request["outcome"] = Decision.Outcome.DEFERRED
                break
            if key in ("refused", "closed_refused"):
                events.append(
                    (
                        "refuse",
                        Status.ON_AGENDA,
                        Status.REFUSED,
                        decided_at,
                        reviewer,
                        "Le projet relève d'un autre dispositif.",
                    )
                )
                request["outcome"] = Decision.Outcome.REFUSED
                if key == "closed_refused":
                    closed_at = max(min(decided_at + datetime.timedelta(days=20), today_noon), decided_at)
                    events.append(
                        (
                            "close",
                            Status.REFUSED,
                            Status.CLOSED,
                            closed_at + datetime.timedelta(minutes=5),
                            reviewer,
                            "",
                        )
                    )
                break
            # Granted, then the money and the bilan.
            request["outcome"] = Decision.Outcome.GRANTED
            asked = app.amount_requested
            granted = asked if rng.random() < 0.8 else round_to(asked * Decimal(rng.choice(("0.7", "0.8", "0.9"))), 10)
            request["granted"] = max(granted, Decimal("10"))
            request["decided_at"] = decided_at
            events.append(("grant", Status.ON_AGENDA, Status.GRANTED, decided_at, reviewer, ""))
            horizon = min(decided_at + datetime.timedelta(days=240), today_noon)
            if horizon <= decided_at:
                horizon = decided_at + datetime.timedelta(days=1)

            def moment(fraction, _start=decided_at, _end=horizon):
                return between(_start, _end, fraction)

            start = moment(0.15).replace(hour=14, minute=0)
            app.starts_at = start
            app.ends_at = max(moment(0.3).replace(hour=18, minute=0), start + datetime.timedelta(hours=3))
            request["times"] = {
                "amend": moment(0.03),
                "advance": moment(0.08),
                "expect": moment(0.35),
                "bilan_started": moment(0.38),
                "bilan_submitted": moment(0.55),
                "bilan_returned": moment(0.6),
                "bilan_reviewed": moment(0.7),
                "balance": moment(0.8),
                "close": moment(0.9),
            }
            times = request["times"]
            if key == "granted":
                break
            events.append(("pay_advance", Status.GRANTED, Status.ADVANCE_PAID, times["advance"], reviewer, ""))
            if key == "advance_paid":
                break
            events.append(("expect_bilan", Status.ADVANCE_PAID, Status.BILAN_DUE, times["expect"], None, ""))
            if key == "bilan_due":
                if request["bilan"] and rng.random() < 0.3:
                    request["bilan_status"] = BilanStatus.RETURNED
                    events.append(
                        ("receive_bilan", Status.BILAN_DUE, Status.BILAN_RECEIVED, times["bilan_submitted"], owner, "")
                    )
                    events.append(
                        (
                            "return_bilan",
                            Status.BILAN_RECEIVED,
                            Status.BILAN_DUE,
                            times["bilan_returned"],
                            reviewer,
                            "Merci d'ajouter les justificatifs de dépense.",
                        )
                    )
                break
            events.append(
                ("receive_bilan", Status.BILAN_DUE, Status.BILAN_RECEIVED, times["bilan_submitted"], owner, "")
            )
            if key == "bilan_received":
                break
            events.append(("pay_balance", Status.BILAN_RECEIVED, Status.BALANCE_PAID, times["balance"], reviewer, ""))
            if key == "closed_granted":
                events.append(("close", Status.BALANCE_PAID, Status.CLOSED, times["close"], reviewer, ""))
            break

    def _write_request(self, rng, request, staff) -> None:
        writer, shared = self.writer, self.shared
        app, owner = request["app"], request["owner"]
        writer.add(app)
        # Budget: expenses = amount asked + other resources.
        asked = app.amount_requested
        if asked is not None:
            resources = []
            for _ in range(rng.choice((0, 1, 1, 2))):
                resources.append(("70", rng.choice(RESOURCE_LABELS["70"]), round_to(asked * Decimal("0.15"), 5)))
            resources = [r for r in resources if r[2] > 0]
            total = asked + sum((r[2] for r in resources), Decimal("0"))
            n_expenses = rng.randint(2, 4)
            parts = largest_remainder(int(total * 100), [rng.uniform(0.5, 1.5) for _ in range(n_expenses)])
            expenses = []
            for n, cents in enumerate(parts):
                category = rng.choice(("60", "60", "61", "62"))
                if cents > 0:
                    expenses.append((category, rng.choice(EXPENSE_LABELS[category]), Decimal(cents) / 100, n))
            request["expenses"] = expenses
            for category, label, amount, n in expenses:
                writer.add(
                    BudgetLine(
                        application=app, side="expense", category=category, label=label, amount=amount, position=n
                    )
                )
            for n, (category, label, amount) in enumerate(resources):
                writer.add(
                    BudgetLine(
                        application=app, side="resource", category=category, label=label, amount=amount, position=n
                    )
                )
        # Attachments: metadata pointing to the shared file.
        if app.submitted_at or rng.random() < 0.4:
            kinds = [Attachment.Kind.QUOTE, Attachment.Kind.BANK_DETAILS]
            if app.holder is not None and app.holder.kind == Holder.Kind.ASSOCIATION:
                kinds.append(Attachment.Kind.STATUTES)
            if not app.submitted_at:
                kinds = kinds[:1]
            uploaded = app.created_at + datetime.timedelta(minutes=30)
            for n, kind in enumerate(kinds):
                writer.add(
                    Attachment(
                        application=app,
                        kind=kind,
                        file=shared.pdf_name,
                        original_name=f"{kind}-{n + 1}.pdf",
                        content_type="application/pdf",
                        size=shared.pdf_size,
                        uploaded_by=owner,
                        uploaded_at=uploaded + datetime.timedelta(minutes=n),
                    )
                )
        # History.
        for transition, source, target, moment, actor, comment in sorted(request["events"], key=lambda e: e[3]):
            writer.add(
                StatusChange(
                    application=app,
                    transition=transition,
                    from_status=source,
                    to_status=target,
                    actor=actor,
                    comment=comment,
                    created_at=moment,
                )
            )
            if transition == "request_completion":
                writer.add(Message(application=app, author=actor, body=comment, created_at=moment))
            if transition == "resubmit":
                writer.add(Message(application=app, author=owner, body=comment, created_at=moment))
        if app.submitted_at and rng.random() < 0.15:
            asked_at = app.submitted_at + datetime.timedelta(days=1)
            writer.add(
                Message(
                    application=app,
                    author=owner,
                    body="Bonjour, quand passera notre demande en comité ?",
                    created_at=asked_at,
                )
            )
            writer.add(
                Message(
                    application=app,
                    author=staff[0],
                    body="Bonjour, au prochain comité.",
                    created_at=asked_at + datetime.timedelta(hours=5),
                )
            )

    def _write_sessions(self, rng, fund, sessions, planned, seats, members, voting, staff) -> None:
        writer = self.writer
        requests_by_order = self._requests_by_order
        all_sessions = sessions + planned
        for session_index, session in enumerate(all_sessions):
            closed = session.status == CommitteeSession.Status.CLOSED
            present_ids = set()
            if closed:
                present = [m for m in members if rng.random() < 0.85]
                present_voting = [m for m in present if m.college != "ex_officio"]
                need = len(voting) // 2 + 1
                for member in voting:
                    if len(present_voting) >= need:
                        break
                    if member not in present_voting:
                        present_voting.append(member)
                        present.append(member)
                present_ids = {id(m) for m in present}
                for member in members:
                    writer.add(
                        Attendance(
                            session=session,
                            member=member,
                            present=id(member) in present_ids,
                            recorded_at=at(session.date, 18, 2),
                        )
                    )
            entries = sorted(seats.get(session_index, []), key=lambda s: requests_by_order[s[0]]["submitted_at"])
            for position, (order, role) in enumerate(entries, start=1):
                request = requests_by_order[order]
                item = writer.add(
                    AgendaItem(
                        session=session,
                        application=request["app"],
                        position=position,
                        invited_to_present=True,
                        added_at=at(session.date - datetime.timedelta(days=7), 10),
                    )
                )
                if not closed:
                    continue
                outcome = Decision.Outcome.DEFERRED if role == "deferral" else request["outcome"]
                decided_at = at(session.date, 19, min(59, position))
                votes = {"for": 0, "against": 0, "abstain": 0}
                if outcome != Decision.Outcome.DEFERRED:
                    item.vote_started_at = decided_at - datetime.timedelta(minutes=3)
                    voters = [m for m in voting if id(m) in present_ids]
                    if len(voters) > 3 and rng.random() < 0.03:
                        recused = voters.pop(rng.randrange(len(voters)))
                        writer.add(
                            Recusal(
                                item=item,
                                member=recused,
                                automatic=False,
                                reason="Membre du bureau de l'association du porteur.",
                                created_at=decided_at - datetime.timedelta(minutes=4),
                            )
                        )
                    n = len(voters)
                    if outcome == Decision.Outcome.GRANTED:
                        not_for = rng.randint(0, (n - 1) // 2)
                        against = rng.randint(0, not_for)
                        votes = {"for": n - not_for, "against": against, "abstain": not_for - against}
                    else:
                        against = rng.randint(math.ceil(n / 2), n)
                        votes_for = rng.randint(0, n - against)
                        votes = {"for": votes_for, "against": against, "abstain": n - against - votes_for}
                    choices = ["for"] * votes["for"] + ["against"] * votes["against"] + ["abstain"] * votes["abstain"]
                    rng.shuffle(choices)
                    for member, choice in zip(voters, choices, strict=True):
                        writer.add(
                            Vote(
                                item=item,
                                member=member,
                                choice=choice,
                                recorded_by=staff[0],
                                created_at=decided_at - datetime.timedelta(minutes=1),
                            )
                        )
                granted = request["granted"] if outcome == Decision.Outcome.GRANTED else Decimal("0")
                decision = writer.add(
                    Decision(
                        item=item,
                        outcome=outcome,
                        amount_granted=granted,
                        conditions="Transmettre les factures avec le bilan." if granted and rng.random() < 0.3 else "",
                        reason="" if outcome == Decision.Outcome.GRANTED else "Voir l'historique de la demande.",
                        votes_for=votes["for"],
                        votes_against=votes["against"],
                        abstentions=votes["abstain"],
                        decided_at=decided_at,
                        decided_by=staff[0],
                    )
                )
                if outcome == Decision.Outcome.GRANTED:
                    request["decision"] = decision

    def _write_money_and_bilan(self, rng, fund, request, staff) -> None:
        writer = self.writer
        key, app = request["key"], request["app"]
        if key not in GRANTED_KEYS:
            return
        times = request["times"]
        effective = request["granted"]
        decision = request["decision"]
        if rng.random() < 0.01 and effective > 50:
            delta = -round_to(effective * Decimal("0.1"), 10)
            writer.add(
                Amendment(
                    decision=decision,
                    changes={"amount_granted": {"before": str(effective), "after": str(effective + delta)}},
                    amount_delta=delta,
                    reason="Erreur de saisie du montant lors de la séance.",
                    created_by=staff[0],
                    created_at=times["amend"],
                )
            )
            effective += delta
        advance = money(effective * fund.advance_percent / 100)
        if key in PAID_ADVANCE_KEYS and advance > 0:
            writer.add(self._payment(rng, app, Payment.Kind.ADVANCE, advance, times["advance"], staff))
        if key in PAID_BALANCE_KEYS and effective - advance > 0:
            writer.add(self._payment(rng, app, Payment.Kind.BALANCE, effective - advance, times["balance"], staff))
        if not request["bilan"]:
            return
        if key in MANDATORY_BILAN:
            status = MANDATORY_BILAN[key] or (BilanStatus.ACCEPTED if rng.random() < 0.25 else BilanStatus.SUBMITTED)
        else:
            status = request.get("bilan_status", BilanStatus.DRAFT)
        if fund.scheme == Fund.Scheme.CVS:
            self._cvs_bilan(rng, request, status, staff)
        else:
            self._pic_bilan(rng, request, status, staff)

    def _payment(self, rng, app, kind, amount, moment, staff) -> Payment:
        return Payment(
            application=app,
            kind=kind,
            amount=amount,
            paid_on=moment.date(),
            method=Payment.Method.TRANSFER if rng.random() < 0.85 else Payment.Method.CHEQUE,
            reference=f"VIR-{moment.year}-{rng.randrange(10**6):06d}",
            recorded_by=staff[1 % len(staff)],
            recorded_at=moment,
        )

    def _bilan_dates(self, request, status):
        times = request["times"]
        filed = status in (BilanStatus.SUBMITTED, BilanStatus.ACCEPTED, BilanStatus.RETURNED)
        reviewed = status in (BilanStatus.ACCEPTED, BilanStatus.RETURNED)
        review_time = times["bilan_returned"] if status == BilanStatus.RETURNED else times["bilan_reviewed"]
        return {
            "created_at": times["bilan_started"],
            "updated_at": (review_time if reviewed else times["bilan_submitted"]) if filed else times["bilan_started"],
            "submitted_at": times["bilan_submitted"] if filed else None,
            "reviewed_at": review_time if reviewed else None,
        }

    def _pic_bilan(self, rng, request, status, staff) -> None:
        writer, shared = self.writer, self.shared
        app, owner = request["app"], request["owner"]
        filled = status != BilanStatus.DRAFT or rng.random() < 0.5
        dates = self._bilan_dates(request, status)
        women, men = rng.randint(5, 90), rng.randint(3, 70)
        bilan = writer.add(
            Bilan(
                application=app,
                status=status,
                return_comment="Merci d'ajouter les justificatifs de dépense."
                if status == BilanStatus.RETURNED
                else "",
                created_by=owner,
                reviewed_by=staff[0] if dates["reviewed_at"] else None,
                main_objective=app.objectives,
                held_from=app.starts_at,
                held_until=app.ends_at,
                proceedings="L'action s'est déroulée comme prévu, avec l'aide des bénévoles." if filled else "",
                mobilised_women=rng.randint(1, 10) if filled else None,
                mobilised_men=rng.randint(0, 8) if filled else None,
                participant_women=women if filled else None,
                participant_men=men if filled else None,
                positive_points="Beaucoup de familles sont venues et ont proposé d'aider." if filled else "",
                difficulties=rng.choice(DIFFICULTIES) if filled else "",
                results="De nouveaux habitant·es ont rejoint le collectif." if filled else "",
                helpers="Le centre social" if filled else "",
                help_received="Prêt de la salle et aide pour le budget" if filled else "",
                help_sufficient=rng.random() < 0.85 if filled else None,
                wants_to_renew=rng.random() < 0.8 if filled else None,
                other_ideas=rng.choice(IDEAS) if filled else "",
                **dates,
            )
        )
        for category, label, amount, position in request.get("expenses", []):
            if category not in ExpenseCategory.values:
                continue
            actual = money(amount * Decimal(str(rng.uniform(0.85, 1.1)))) if filled else None
            writer.add(
                BilanExpense(
                    bilan=bilan,
                    category=category,
                    label=label,
                    planned_amount=amount,
                    actual_amount=actual,
                    position=position,
                )
            )
        if not filled:
            return
        for effect in rng.sample(list(Effect), rng.randint(1, 4)):
            publics = {}
            if effect in EFFECTS_WITH_PUBLICS:
                chosen = rng.sample(list(PUBLIC_FIELDS.values()), rng.randint(1, 3))
                publics = dict.fromkeys(chosen, True)
            observation = writer.add(
                EffectObservation(bilan=bilan, effect=effect, narrative="Des voisins se sont revus ensuite.", **publics)
            )
            options = [value for value, _label in changes_of(effect)]
            picked = []
            for value in rng.sample(options, min(len(options), rng.randint(1, 3))):
                if any(value in group and any(p in group for p in picked) for group in EXCLUSIVE_CHANGES):
                    continue
                picked.append(value)
            for value in picked:
                writer.add(EffectChange(observation=observation, change=value))
        uploaded = dates["submitted_at"] or dates["created_at"]
        writer.add(
            BilanAttachment(
                bilan=bilan,
                kind=BilanAttachment.Kind.RECEIPT,
                file=shared.pdf_name,
                original_name="facture.pdf",
                content_type="application/pdf",
                size=shared.pdf_size,
                uploaded_by=owner,
                uploaded_at=uploaded,
            )
        )
        for n in range(rng.choice((0, 1, 1, 2))):
            writer.add(
                BilanAttachment(
                    bilan=bilan,
                    kind=BilanAttachment.Kind.PHOTO,
                    file=shared.png_name,
                    original_name=f"photo-{n + 1}.png",
                    content_type="image/png",
                    size=shared.png_size,
                    description="Les habitant·es autour de la table du goûter.",
                    public_consent=rng.random() < 0.6,
                    uploaded_by=owner,
                    uploaded_at=uploaded + datetime.timedelta(minutes=n + 1),
                )
            )

    def _cvs_bilan(self, rng, request, status, staff) -> None:
        writer = self.writer
        app, owner = request["app"], request["owner"]
        filled = status != BilanStatus.DRAFT or rng.random() < 0.5
        dates = self._bilan_dates(request, status)
        bilan = writer.add(
            CvsBilan(
                application=app,
                status=status,
                return_comment="Merci de compléter le tableau budgétaire." if status == BilanStatus.RETURNED else "",
                created_by=owner,
                reviewed_by=staff[0] if dates["reviewed_at"] else None,
                period_start=app.starts_at.date(),
                period_end=app.ends_at.date(),
                structure=app.holder.name if app.holder else "",
                referent_first_name=owner.first_name,
                referent_last_name=owner.last_name,
                referent_function="Présidente" if filled else "",
                referent_email=owner.email,
                action_created_year=app.fund.year,
                territory="Quartier prioritaire" if filled else "",
                target_public=app.expected_public,
                planned_cost=sum((e[2] for e in request.get("expenses", [])), Decimal("0")),
                short_description=app.objectives,
                progress_status=ProgressStatus.CLOSED if filled else "",
                progress_since=app.ends_at.date() if filled else None,
                achievements="Ateliers réalisés comme prévu." if filled else "",
                difficulties=rng.choice(DIFFICULTIES) if filled else "",
                perspective=rng.choice(list(Perspective.values)) if filled else "",
                perspective_comment="Poursuivre l'an prochain." if filled else "",
                key_figures="42 personnes touchées, dont 25 femmes (feuilles de présence)." if filled else "",
                **dates,
            )
        )
        if not filled:
            return
        for position in (1, 2):
            writer.add(
                CvsObjective(
                    bilan=bilan,
                    position=position,
                    objective=f"Objectif opérationnel {position}",
                    indicators="Nombre de participant·es",
                    result="Atteint",
                )
            )
        writer.add(CvsPartner(bilan=bilan, position=0, actor="Bailleur social", role="Prête la salle", satisfied=True))
        for n, (category, label, amount, _position) in enumerate(request.get("expenses", [])):
            writer.add(
                CvsBudgetLine(
                    bilan=bilan,
                    side=BudgetSide.CHARGE,
                    account=category,
                    label=label,
                    planned_amount=amount,
                    realised_amount=amount,
                    position=n,
                )
            )
        writer.add(
            CvsBudgetLine(
                bilan=bilan,
                side=BudgetSide.RESOURCE,
                account=ResourceCategory.GRANTS,
                item=CvsBudgetItem.REGION_SPECIFIC,
                planned_amount=request["granted"],
                realised_amount=request["granted"],
                position=0,
            )
        )


def generate(spec: Spec) -> Summary:
    """Write the load data described by `spec`. Call it inside a transaction: it writes nothing else."""
    return Generator(spec).run()
