"""factory-boy factories shared by the whole suite."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from applications.models import Application, Attachment, BudgetLine, Holder, Message
from applications.workflow import Status
from committees.models import Committee, CommitteeMember
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    Fund,
    FundCoFunder,
    Funder,
    FunderStaff,
    Neighbourhood,
    Theme,
)
from funds.validators import luhn_sum

DEFAULT_PASSWORD = "motdepasse-de-test-2025"


def make_siret(seed: int) -> str:
    """A valid SIRET built from a number: SIREN and SIRET both pass the Luhn rule."""
    body = f"{seed:08d}"[-8:]
    siren = next(body + str(d) for d in range(10) if luhn_sum(body + str(d)) % 10 == 0)
    nic_body = "0001"
    return next(siren + nic_body + str(d) for d in range(10) if luhn_sum(siren + nic_body + str(d)) % 10 == 0)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"59{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department_code = "59"


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"QN0{59000 + n}T")
    name = factory.Sequence(lambda n: f"Quartier {n}")
    department_code = "59"
    region_code = "32"

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thématique {n}")
    position = factory.Sequence(lambda n: n)


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ville {n}")
    kind = Funder.Kind.CITY


class CarrierAssociationFactory(DjangoModelFactory):
    class Meta:
        model = CarrierAssociation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Centre social {n}")
    slug = factory.Sequence(lambda n: f"centre-social-{n}")
    siret = factory.Sequence(lambda n: make_siret(10_000_000 + n))
    address = "1 rue de la Paix"
    postcode = "59100"
    city = "Roubaix"
    contact_email = factory.Sequence(lambda n: f"contact{n}@association.example.org")


class FundFactory(DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    association = factory.SubFactory(CarrierAssociationFactory)
    name = factory.Sequence(lambda n: f"PIC test {n}")
    slug = factory.Sequence(lambda n: f"pic-test-{n}")
    scheme = Fund.Scheme.PIC
    year = 2025
    envelope = Decimal("20000.00")
    call_opens_on = datetime.date(2025, 1, 1)
    call_closes_on = datetime.date(2025, 12, 31)
    max_grant = Decimal("1000.00")
    filing_days_before_committee = 15
    advance_percent = Decimal("80")
    bilan_due_days = 30

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def neighbourhoods(self, create, extracted, **kwargs):
        if create and extracted:
            self.neighbourhoods.set(extracted)


class FundCoFunderFactory(DjangoModelFactory):
    class Meta:
        model = FundCoFunder

    fund = factory.SubFactory(FundFactory)
    funder = factory.SubFactory(FunderFactory)
    amount = Decimal("10000.00")


class AssociationStaffFactory(DjangoModelFactory):
    class Meta:
        model = AssociationStaff

    association = factory.SubFactory(CarrierAssociationFactory)
    user = factory.SubFactory(UserFactory)


class FunderStaffFactory(DjangoModelFactory):
    class Meta:
        model = FunderStaff

    funder = factory.SubFactory(FunderFactory)
    user = factory.SubFactory(UserFactory)


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Comité {n}")


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: str(o.user) if o.user else "Membre")
    college = CommitteeMember.College.RESIDENT
    mandate_start = datetime.date(2025, 1, 1)


class HolderFactory(DjangoModelFactory):
    class Meta:
        model = Holder

    owner = factory.SubFactory(UserFactory)
    kind = Holder.Kind.GROUP
    name = factory.Sequence(lambda n: f"Collectif des voisins {n}")
    referent_name = factory.LazyAttribute(lambda o: o.owner.get_full_name() or "Référent")
    co_holders_count = 2
    co_holders_first_names = "Nadia, Karim"


class ApplicationFactory(DjangoModelFactory):
    """A complete draft: every step filled in, budget balanced (300 € expenses = 250 € asked + 50 € other)."""

    class Meta:
        model = Application
        # The budget hook writes its own rows and leaves the request unchanged: no second save of the request.
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    created_by = factory.SubFactory(UserFactory)
    holder = factory.SubFactory(HolderFactory, owner=factory.SelfAttribute("..created_by"))
    status = Status.DRAFT
    title = factory.Sequence(lambda n: f"Fête des voisins n° {n}")
    theme = factory.LazyAttribute(lambda o: o.fund.themes.first())
    objectives = "Créer du lien entre les habitant·es."
    description = "Un après-midi convivial avec des jeux et un goûter."
    starts_at = factory.LazyFunction(lambda: datetime.datetime(2025, 6, 14, 14, 0, tzinfo=datetime.UTC))
    ends_at = factory.LazyFunction(lambda: datetime.datetime(2025, 6, 14, 18, 0, tzinfo=datetime.UTC))
    place = "Square de la Paix"
    neighbourhood = factory.LazyAttribute(lambda o: o.fund.neighbourhoods.first())
    expected_public = "Familles du quartier"
    expected_women = 30
    expected_men = 20
    residents_mobilised = 6
    amount_requested = Decimal("250.00")

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        BudgetLine.objects.create(
            application=self, side="expense", category="60", label="Goûter et boissons", amount=Decimal("300.00")
        )
        BudgetLine.objects.create(
            application=self, side="resource", category="70", label="Buvette", amount=Decimal("50.00")
        )


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    side = BudgetLine.Side.EXPENSE
    category = "60"
    label = "Fournitures"
    amount = Decimal("100.00")


# A small but real PDF (one empty page): sniffed as application/pdf.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class AttachmentFactory(DjangoModelFactory):
    """A document already checked and stored (tests of the upload itself go through services.add_attachment)."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = Attachment.Kind.BANK_DETAILS
    file = factory.django.FileField(filename="rib.pdf", data=MINIMAL_PDF)
    original_name = "rib.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    uploaded_by = factory.SelfAttribute("application.created_by")


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    application = factory.SubFactory(ApplicationFactory)
    author = factory.SelfAttribute("application.created_by")
    body = "Bonjour, une question sur notre demande."


# --- Committee sessions (models named as strings: factories are only added at the end of this file) ---


class CommitteeMemberLinkFactory(DjangoModelFactory):
    class Meta:
        model = "committees.CommitteeMemberLink"

    member = factory.SubFactory(CommitteeMemberFactory)
    holder = factory.SubFactory(HolderFactory)
    reason = "Membre du bureau de l'association"


class CommitteeSessionFactory(DjangoModelFactory):
    """A planned session, by default on 24/05/2025 at 18:00."""

    class Meta:
        model = "committees.CommitteeSession"

    committee = factory.SubFactory(CommitteeFactory)
    date = datetime.date(2025, 5, 24)
    time = datetime.time(18, 0)
    place = "Salle polyvalente, 12 rue de l'Épeule"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "committees.Attendance"

    session = factory.SubFactory(CommitteeSessionFactory)
    member = factory.SubFactory(CommitteeMemberFactory, committee=factory.SelfAttribute("..session.committee"))
    present = True


class AgendaItemFactory(DjangoModelFactory):
    """An agenda line written directly (no workflow transition): set the application's status yourself."""

    class Meta:
        model = "committees.AgendaItem"

    session = factory.SubFactory(CommitteeSessionFactory)
    application = factory.SubFactory(
        ApplicationFactory, fund=factory.SelfAttribute("..session.committee.fund"), status=Status.ON_AGENDA
    )
    position = factory.Sequence(lambda n: n + 1)
    invited_to_present = True


# --- Bilans (reports) ---------------------------------------------------------------------------------


def record_grant_for_bilan(*, application, amount, decided_by, committee=None):
    """A granted decision of `amount` for `application`, in a closed session (no workflow involved)."""
    from django.utils import timezone

    from committees.models import AgendaItem, CommitteeSession, Decision

    committee = committee or application.fund.committees.first() or CommitteeFactory(fund=application.fund)
    now = timezone.now()
    session = CommitteeSession.objects.create(
        committee=committee,
        date=datetime.date(2025, 4, 10),
        time=datetime.time(18, 0),
        place="Salle du centre social",
        status=CommitteeSession.Status.CLOSED,
        opened_at=now,
        closed_at=now,
    )
    item = AgendaItem.objects.create(session=session, application=application, position=1)
    return Decision.objects.create(
        item=item, outcome=Decision.Outcome.GRANTED, amount_granted=Decimal(amount), decided_by=decided_by
    )


class GrantedApplicationFactory(ApplicationFactory):
    """A request granted and whose advance is paid: its bilan can be started."""

    class Meta:
        skip_postgeneration_save = True

    status = Status.ADVANCE_PAID
    reference = factory.Sequence(lambda n: f"PIC-2025-{n + 1:04d}")
    number = factory.Sequence(lambda n: n + 1)
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC))


class BilanFactory(DjangoModelFactory):
    """A complete PIC bilan, still a draft (like seed 000, without any real person's name)."""

    class Meta:
        model = "reports.Bilan"

    application = factory.SubFactory(GrantedApplicationFactory)
    created_by = factory.SelfAttribute("application.created_by")
    main_objective = "Créer du lien entre les habitant·es et lutter contre l'isolement."
    held_from = factory.SelfAttribute("application.starts_at")
    held_until = factory.SelfAttribute("application.ends_at")
    proceedings = "Un après-midi convivial, malgré la pluie."
    mobilised_women = 11
    mobilised_men = 5
    participant_women = 51
    participant_men = 28
    positive_points = "Participation active des jeunes à la logistique."
    difficulties = "L'espace est restreint les jours de pluie."
    results = "De nouveaux liens entre voisins."
    helpers = "Le centre social"
    help_received = "Rédaction du dossier et mise en place de l'évènement"
    help_sufficient = True
    help_comment = ""
    wants_to_renew = True
    other_ideas = "Un café citoyen"


class BilanExpenseFactory(DjangoModelFactory):
    class Meta:
        model = "reports.BilanExpense"

    bilan = factory.SubFactory(BilanFactory)
    category = "60"
    label = "Goûter et boissons"
    planned_amount = Decimal("300.00")
    actual_amount = Decimal("280.00")
    position = factory.Sequence(lambda n: n)


class CvsFundFactory(FundFactory):
    scheme = Fund.Scheme.CVS
    name = factory.Sequence(lambda n: f"Contrat de ville {n}")
    slug = factory.Sequence(lambda n: f"cvs-{n}")
    max_grant = Decimal("15000.00")
    envelope = Decimal("200000.00")


class CvsBilanFactory(DjangoModelFactory):
    """An annex 3 bilan with its identity sheet and appraisal filled in (objectives and budget apart)."""

    class Meta:
        model = "reports.CvsBilan"

    application = factory.SubFactory(GrantedApplicationFactory, fund=factory.SubFactory(CvsFundFactory))
    created_by = factory.SelfAttribute("application.created_by")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 6, 30)
    structure = "Association Les Jardins partagés, association loi 1901"
    referent_first_name = "Prénom"
    referent_last_name = "Référente"
    referent_function = "Coordinatrice"
    referent_email = "coordination@jardins.example.org"
    referent_phone = "03 20 00 00 00"
    action_created_year = 2021
    territory = "Quartier Secteur Sud, Lille"
    target_public = "Familles du quartier"
    partnerships = "Bailleur social, centre social"
    dedicated_staff = "Une coordinatrice à mi-temps"
    material_means = "Une parcelle et un local à outils"
    communication_means = "Affiches, réseaux sociaux"
    planned_cost = Decimal("12000.00")
    short_description = "Des ateliers de jardinage hebdomadaires ouverts à toutes et tous."
    progress_status = "in_progress"
    progress_since = datetime.date(2025, 2, 1)
    coordination = "Un comité de suivi trimestriel."
    achievements = "24 ateliers réalisés."
    successes = "Une forte participation des familles."
    difficulties = "Un hiver pluvieux."
    positive_impacts = "Des voisins qui se parlent."
    negative_impacts = "Moins de temps pour d'autres actions."
    perspective = "maintain"
    perspective_comment = "Poursuivre en 2026."
    key_figures = "120 personnes touchées en QPV (source : feuilles de présence, juin 2025)."
    swot_strengths = "Une équipe bénévole soudée."
    swot_weaknesses = "Peu de salariés."
    swot_opportunities = "Le nouveau plan de végétalisation."
    swot_threats = "La fin d'un financement."


class CvsObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsObjective"

    bilan = factory.SubFactory(CvsBilanFactory)
    position = factory.Sequence(lambda n: n + 1)
    objective = "Organiser 30 ateliers de jardinage d'ici juin"
    indicators = "Nombre d'ateliers"
    result = "24 ateliers"
    comments = ""


class CvsPartnerFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsPartner"

    bilan = factory.SubFactory(CvsBilanFactory)
    position = factory.Sequence(lambda n: n + 1)
    actor = "Bailleur social"
    is_new_partner = False
    role = "Finance et met à disposition la parcelle"
    when_associated = "En continu"
    satisfied = True
    room_for_progress = ""


class CvsBudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = "reports.CvsBudgetLine"

    bilan = factory.SubFactory(CvsBilanFactory)
    side = "charge"
    account = "60"
    item = ""
    label = "Graines et outils"
    planned_amount = Decimal("1000.00")
    realised_amount = Decimal("900.00")
    position = factory.Sequence(lambda n: n)


# --- Annual reports, funders' dashboards and the public showcase ------------------------------------------


def record_decision(*, application, outcome, session_date, decided_by, amount="0", committee=None):
    """A committee decision of `outcome` on `application`, in a closed session held on `session_date`.

    Written directly (no workflow): set the application's status yourself.
    """
    from django.utils import timezone

    from committees.models import AgendaItem, CommitteeSession, Decision

    committee = committee or application.fund.committees.first() or CommitteeFactory(fund=application.fund)
    now = timezone.now()
    session = CommitteeSession.objects.create(
        committee=committee,
        date=session_date,
        time=datetime.time(18, 0),
        place="Salle du centre social",
        status=CommitteeSession.Status.CLOSED,
        opened_at=now,
        closed_at=now,
    )
    item = AgendaItem.objects.create(session=session, application=application, position=1)
    return Decision.objects.create(
        item=item,
        outcome=outcome,
        amount_granted=Decimal(amount),
        reason="" if outcome == Decision.Outcome.GRANTED else "Motif indiqué au porteur",
        decided_by=decided_by,
    )


class AmendmentFactory(DjangoModelFactory):
    """A correction of a granted amount after the session (pass `decision`)."""

    class Meta:
        model = "committees.Amendment"

    amount_delta = Decimal("-100.00")
    changes = factory.LazyAttribute(
        lambda o: {
            "amount_granted": {
                "before": str(o.decision.amount_granted),
                "after": str(o.decision.amount_granted + o.amount_delta),
            }
        }
    )
    reason = "Dépense de location retirée du budget"
    created_by = factory.SelfAttribute("decision.decided_by")


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = "committees.Payment"

    application = factory.SubFactory(GrantedApplicationFactory)
    kind = "advance"
    amount = Decimal("200.00")
    paid_on = datetime.date(2025, 5, 2)
    method = "transfer"
    recorded_by = factory.SelfAttribute("application.created_by")


class EffectObservationFactory(DjangoModelFactory):
    """An effect of the grid observed in a bilan; `changes=[...]` ticks items of it (e.g. "health.confidence")."""

    class Meta:
        model = "reports.EffectObservation"
        skip_postgeneration_save = True

    bilan = factory.SubFactory(BilanFactory)
    effect = "social_ties"
    public_neighbours = True
    narrative = "Des voisins qui ne se parlaient pas ont préparé le goûter ensemble."

    @factory.post_generation
    def changes(self, create, extracted, **kwargs):
        if create and extracted:
            from reports.models import EffectChange

            for change in extracted:
                EffectChange.objects.create(observation=self, change=change)


def png_bytes(colour: str = "blue", size: tuple[int, int] = (4, 3)) -> bytes:
    """A small real PNG, as the bilan's upload stores it (re-encoded, no metadata)."""
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="PNG")
    return output.getvalue()


def _photo_file(o):
    from django.core.files.base import ContentFile

    return ContentFile(o.data, name="photo.png")


class BilanPhotoFactory(DjangoModelFactory):
    """A photo of a bilan, already checked and re-encoded; publication consented by default."""

    class Meta:
        model = "reports.BilanAttachment"

    class Params:
        data = factory.LazyFunction(png_bytes)

    bilan = factory.SubFactory(BilanFactory)
    kind = "photo"
    file = factory.LazyAttribute(_photo_file)
    original_name = "photo-de-madame-martin.png"
    content_type = "image/png"
    size = factory.LazyAttribute(lambda o: len(o.data))
    description = "Des enfants plantent des bulbes dans le square."
    public_consent = True
    uploaded_by = factory.SelfAttribute("bilan.created_by")


def build_annual_report_scenario(world, staff):
    """Hommelet's fund in 2025 with known answers for its annual report (and the funders' dashboard).

    Envelope 20 000 € (Région 14 000, Ville de Roubaix 6 000). Filed requests, by number:
      1 A  isolement,  Roubaix-Tourcoing  filed 01/03  granted 800 on 10/04 (40 d), paid 640 + 160, bilan accepted
      2 B  innovation, Roubaix-Tourcoing  filed 10/03  granted 1 000 − 100 (amended) on 10/04 (31 d), paid 720,
                                                       bilan submitted
      3 C  isolement,  Nouveau Roubaix    filed 01/02  deferred 15/03, granted 500 on 10/04 (68 d), bilan returned
      4 D  innovation, Roubaix-Tourcoing  filed 20/03  refused on 10/04 (21 d)
      5 E  innovation, Roubaix-Tourcoing  filed 01/04  eligible
      6 F  isolement,  Roubaix-Tourcoing  filed 05/04  ineligible
      7 H  isolement,  Roubaix-Tourcoing  filed 15/01  declared eligible, then withdrawn
      and a draft (never counted). Lille Sud's fund holds one granted request (never counted for Hommelet).
    """
    from types import SimpleNamespace

    from applications.models import StatusChange
    from committees.models import Decision

    innovation, isolement = world.themes
    roubaix_tourcoing = world.neighbourhood
    nouveau_roubaix = NeighbourhoodFactory(
        code="QN05981M", name="Nouveau Roubaix", communes=list(world.neighbourhood.communes.all())
    )
    world.fund.neighbourhoods.add(nouveau_roubaix)

    def filed(number, title, theme, neighbourhood, status, day, factory_class=ApplicationFactory):
        return factory_class(
            fund=world.fund,
            number=number,
            reference=f"PIC-2025-{number:04d}",
            title=title,
            theme=theme,
            neighbourhood=neighbourhood,
            status=status,
            submitted_at=datetime.datetime(*day, 10, 0, tzinfo=datetime.UTC),
        )

    granted, deferred, refused = Decision.Outcome.GRANTED, Decision.Outcome.DEFERRED, Decision.Outcome.REFUSED
    april_10 = datetime.date(2025, 4, 10)

    a = filed(1, "Fête des voisins du square", isolement, roubaix_tourcoing, Status.BALANCE_PAID, (2025, 3, 1))
    record_decision(application=a, outcome=granted, amount="800", session_date=april_10, decided_by=staff)
    PaymentFactory(application=a, kind="advance", amount=Decimal("640.00"), recorded_by=staff)
    PaymentFactory(application=a, kind="balance", amount=Decimal("160.00"), recorded_by=staff)
    bilan_a = BilanFactory(application=a, status="accepted", submitted_at=a.submitted_at)
    EffectObservationFactory(
        bilan=bilan_a, effect="social_ties", changes=["social_ties.project_life", "social_ties.public_events"]
    )
    EffectObservationFactory(bilan=bilan_a, effect="health", changes=["health.confidence"])

    b = filed(2, "Atelier de réparation de vélos", innovation, roubaix_tourcoing, Status.BILAN_RECEIVED, (2025, 3, 10))
    decision_b = record_decision(application=b, outcome=granted, amount="1000", session_date=april_10, decided_by=staff)
    AmendmentFactory(decision=decision_b, amount_delta=Decimal("-100.00"))
    PaymentFactory(application=b, kind="advance", amount=Decimal("720.00"), recorded_by=staff)
    bilan_b = BilanFactory(
        application=b,
        status="submitted",
        submitted_at=b.submitted_at,
        participant_women=20,
        participant_men=30,
        mobilised_women=4,
        mobilised_men=6,
        difficulties="Trouver une salle libre le samedi.",
        other_ideas="Un atelier vélo pour les enfants.",
        wants_to_renew=False,
    )
    EffectObservationFactory(bilan=bilan_b, effect="social_ties", changes=["social_ties.project_life"])

    c = filed(3, "Club de lecture à voix haute", isolement, nouveau_roubaix, Status.GRANTED, (2025, 2, 1))
    record_decision(application=c, outcome=deferred, session_date=datetime.date(2025, 3, 15), decided_by=staff)
    record_decision(application=c, outcome=granted, amount="500", session_date=april_10, decided_by=staff)
    bilan_c = BilanFactory(
        application=c,
        status="returned",
        submitted_at=c.submitted_at,
        participant_women=100,
        participant_men=100,
        mobilised_women=50,
        mobilised_men=50,
        difficulties="Texte d'un bilan renvoyé au porteur.",
        other_ideas="Idée d'un bilan renvoyé.",
    )
    EffectObservationFactory(bilan=bilan_c, effect="social_ties", changes=["social_ties.dedicated_times"])
    EffectObservationFactory(bilan=bilan_c, effect="gender_equality", changes=[])

    d = filed(4, "Concert dans la cour", innovation, roubaix_tourcoing, Status.REFUSED, (2025, 3, 20))
    record_decision(application=d, outcome=refused, session_date=april_10, decided_by=staff)
    e = filed(5, "Jardin partagé", innovation, roubaix_tourcoing, Status.ELIGIBLE, (2025, 4, 1))
    f = filed(6, "Voyage à la mer", isolement, roubaix_tourcoing, Status.INELIGIBLE, (2025, 4, 5))
    h = filed(7, "Repas partagé", isolement, roubaix_tourcoing, Status.WITHDRAWN, (2025, 1, 15))
    StatusChange.objects.create(
        application=h, transition="declare_eligible", from_status=Status.UNDER_REVIEW, to_status=Status.ELIGIBLE
    )
    StatusChange.objects.create(
        application=h, transition="withdraw", from_status=Status.ELIGIBLE, to_status=Status.WITHDRAWN
    )
    draft = ApplicationFactory(fund=world.fund, title="Brouillon jamais déposé", theme=innovation)

    lille = ApplicationFactory(
        fund=world.other_fund,
        number=1,
        reference="PIC-2025-0001",
        title="Projet de Lille Sud",
        theme=isolement,
        neighbourhood=world.other_neighbourhood,
        status=Status.ADVANCE_PAID,
        submitted_at=datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC),
    )
    record_decision(application=lille, outcome=granted, amount="700", session_date=april_10, decided_by=staff)
    PaymentFactory(application=lille, amount=Decimal("560.00"), recorded_by=staff)
    BilanFactory(application=lille, status="accepted", submitted_at=lille.submitted_at, participant_women=999)

    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, h=h, draft=draft, lille=lille, nouveau_roubaix=nouveau_roubaix)


# --- Instruction (eligibility grid, checks, private notes) --------------------------------------------


class EligibilityCriterionFactory(DjangoModelFactory):
    class Meta:
        model = "applications.EligibilityCriterion"

    fund = factory.SubFactory(FundFactory)
    label = factory.Sequence(lambda n: f"Critère de recevabilité n° {n}")
    help_text = ""
    position = factory.Sequence(lambda n: n + 1)
    is_required = True


class CriterionCheckFactory(DjangoModelFactory):
    """A criterion checked « Oui » by the fund's staff (`checked_by` is left empty unless given)."""

    class Meta:
        model = "applications.CriterionCheck"

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.SubFactory(EligibilityCriterionFactory, fund=factory.SelfAttribute("..application.fund"))
    met = True
    comment = ""
    checked_at = factory.LazyFunction(lambda: datetime.datetime(2025, 3, 12, 10, 0, tzinfo=datetime.UTC))


class StaffNoteFactory(DjangoModelFactory):
    class Meta:
        model = "applications.StaffNote"

    application = factory.SubFactory(ApplicationFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Note interne n° {n} : appeler la référente.")
