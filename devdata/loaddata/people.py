"""Accounts, holders, carrier associations and their QPVs: the people of the load data."""

import datetime
import math
import random

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from accounts.models import User
from applications.models import Holder
from devdata.loaddata.constants import (
    ASSOCIATION_KINDS,
    FIRST_NAMES,
    LAST_NAMES,
    LOAD_PASSWORD,
    QUARTER_NAMES,
    TODAY,
    TOWNS,
)
from devdata.loaddata.context import AssociationWork, Run, Shared
from devdata.loaddata.funds import add_fund
from devdata.loaddata.helpers import at, make_siret, shared_files
from devdata.loaddata.plan import FundPlan
from devdata.loaddata.spec import Spec
from devdata.loaddata.writer import THROUGH_ASSOCIATION_QPV
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    CvsAmbition,
    Funder,
    FunderStaff,
    Neighbourhood,
    Theme,
)
from funds.services import load_reference_data

# --- Accounts ---------------------------------------------------------------------------------------------


def new_user(run: Run, rng: random.Random, local: str, *, joined: datetime.datetime) -> User:
    run.user_number += 1
    return run.writer.add(
        User(
            email=f"{local}@{run.spec.label}.example.org",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=run.shared.password,
            email_confirmed_at=joined,
            date_joined=joined,
            is_active=True,
        )
    )


def new_holder(run: Run, rng, owner: User, number: int, joined: datetime.datetime, town: str, postcode: str) -> Holder:
    kind = Holder.Kind.ASSOCIATION if rng.random() < 0.3 else Holder.Kind.GROUP
    street = rng.choice(("des Tilleuls", "de la Paix", "Jean Jaurès", "Victor Hugo", "du Marché"))
    name = f"Les voisins de la rue {street} n° {number}"
    if kind == Holder.Kind.ASSOCIATION:
        name = f"Association {rng.choice(('Vivre ensemble', 'Quartier solidaire', 'Les Ateliers'))} {number}"
    return run.writer.add(
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


def add_funder_staff(run: Run) -> None:
    """Two accounts for the Région (or the world's own co-funder)."""
    spec = run.spec
    rng = random.Random(f"{spec.seed}:{spec.label}:funders")
    joined = at(datetime.date(min(spec.years) - 1, 12, 1), 9)
    for n in (1, 2):
        user = new_user(run, rng, f"financeur{n}", joined=joined)
        run.writer.add(FunderStaff(funder=run.shared.region, user=user))
        run.summary.funder_staff_emails.append(user.email)


# --- Shared rows ------------------------------------------------------------------------------------------


def prepare_shared(spec: Spec) -> Shared:
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
    pdf_name, png_name, pdf_size, png_size = shared_files(spec.label)
    return Shared(
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


def qpvs_for(run: Run, rng: random.Random, index: int, town: str, postcode: str, insee: str) -> list[Neighbourhood]:
    """The QPVs an association serves: the reference QPVs of its town, else new ones named after it."""
    spec = run.spec
    if spec.own_neighbourhood:
        code = f"QNB{spec.label[-8:]}"[:12]
        neighbourhood = Neighbourhood.objects.filter(code=code).first() or Neighbourhood.objects.create(
            code=code, name=f"Quartier {spec.label}", region_code="32", department_code=postcode[:2]
        )
        return [neighbourhood]
    local = [n for n in run.shared.neighbourhoods if any(c.insee_code == insee for c in n.communes.all())]
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


# --- One association and its funds ------------------------------------------------------------------------


def add_association(run: Run, index: int, plans: list[FundPlan]) -> None:
    spec, writer = run.spec, run.writer
    rng = random.Random(f"{spec.seed}:{spec.label}:association:{index}")
    town, postcode, insee = TOWNS[index % len(TOWNS)]
    joined = at(datetime.date(min(spec.years) - 1, 11, 1), 9)
    association = _association_row(run, rng, index, town, postcode)
    run.summary.association_slugs.append(association.slug)
    qpvs = qpvs_for(run, rng, index, town, postcode, insee)
    run.summary.neighbourhood_codes.extend(n.code for n in qpvs)
    for neighbourhood in qpvs:
        writer.add(THROUGH_ASSOCIATION_QPV(carrierassociation=association, neighbourhood=neighbourhood))
    staff = []
    for n in (1, 2):
        user = new_user(run, rng, f"equipe{index:02d}-{n}", joined=joined)
        writer.add(AssociationStaff(association=association, user=user, since=joined.date()))
        staff.append(user)
        run.summary.staff_emails.append(user.email)
    city = None
    if not spec.own_funder:
        city, _ = Funder.objects.get_or_create(
            name=f"Ville de {town}",
            defaults={"kind": Funder.Kind.CITY, "commune": Commune.objects.filter(insee_code=insee).first()},
        )
    work = AssociationWork(rng=rng, index=index, association=association, town=town, staff=staff, city=city, qpvs=qpvs)
    requests_total = sum(plan.requests for plan in plans)
    _add_holders(run, work, requests_total, postcode)
    owner_of = _owner_of(run, work, requests_total)
    position = 0
    for plan in plans:
        add_fund(run, work, plan, owner_of[position:][: plan.requests])
        position += plan.requests


def _association_row(run: Run, rng: random.Random, index: int, town: str, postcode: str) -> CarrierAssociation:
    kind = ASSOCIATION_KINDS[index % len(ASSOCIATION_KINDS)]
    suffix = f" {index // len(TOWNS) + 1}" if index >= len(TOWNS) else ""
    slug = f"{run.spec.label}-{index:02d}-{slugify(town)}"
    return run.writer.add(
        CarrierAssociation(
            name=f"{kind} {town}{suffix}",
            slug=slug[:80],
            siret=make_siret(30_000_000 + label_offset(run.spec.label) + index),
            rna=f"W{postcode[:2]}{rng.randrange(10**7):07d}",
            address=f"{rng.randint(1, 80)} rue de la République",
            postcode=postcode,
            city=town,
            contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            contact_email=f"contact{index}@{run.spec.label}.example.org",
            contact_phone=f"03{rng.randrange(10**8):08d}",
        )
    )


def label_offset(label: str) -> int:
    # Distinct SIRET ranges for distinct labels (the bench's worlds live next to the region's data).
    return sum(ord(c) * (i + 1) for i, c in enumerate(label)) * 100 % 9_000_000


def _add_holders(run: Run, work: AssociationWork, requests_total: int, postcode: str) -> None:
    """A pool of holders per association; the busy account is the first of association 0."""
    spec, rng, index = run.spec, work.rng, work.index
    pool_size = 1 if spec.single_holder else max(1, round(requests_total * 0.42))
    for n in range(pool_size):
        owner_joined = at(datetime.date(min(spec.years), 1, 2) + datetime.timedelta(days=rng.randrange(600)), 10)
        owner_joined = min(owner_joined, at(TODAY, 9))
        owner = new_user(run, rng, f"porteur{index:02d}-{n:05d}", joined=owner_joined)
        work.owners.append(owner)
        number = index * 100_000 + n
        first = new_holder(run, rng, owner, number, owner_joined, work.town, postcode)
        mine = [first]
        if rng.random() < 0.1:
            mine.append(new_holder(run, rng, owner, number + 50_000, owner_joined, work.town, postcode))
        work.holders.append(mine)
    if index == 0:
        run.summary.busy_holder_email = work.owners[0].email


def _owner_of(run: Run, work: AssociationWork, requests_total: int) -> list[int]:
    """Which owner files each request of this association (in fund order, then request order)."""
    spec, rng = run.spec, work.rng
    busy = min(spec.busy_holder_requests, requests_total) if work.index == 0 else 0
    if spec.single_holder:
        return [0] * requests_total
    rest = list(range(1, len(work.owners))) or [0]
    cum, running = [], 0.0
    for k in range(len(rest)):
        running += 1 / math.sqrt(k + 1)
        cum.append(running)
    owner_of = [0] * busy + rng.choices(rest, cum_weights=cum, k=requests_total - busy)
    rng.shuffle(owner_of)
    return owner_of
