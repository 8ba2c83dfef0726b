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
