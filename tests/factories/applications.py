"""Holders, requests and what they hold (budget, documents, messages, instruction)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from applications.models import Application, Attachment, BudgetLine, Holder, Message
from applications.workflow import Status
from tests.factories.accounts import UserFactory
from tests.factories.funds import FundFactory


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

    class Params:
        # `filed=True`: filed on 1 March 2025 and waiting for instruction (a reference is given by the caller).
        filed = factory.Trait(
            status=Status.SUBMITTED,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)),
        )

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


class GrantedApplicationFactory(ApplicationFactory):
    """A request granted and whose advance is paid: its bilan can be started."""

    class Meta:
        skip_postgeneration_save = True

    status = Status.ADVANCE_PAID
    reference = factory.Sequence(lambda n: f"PIC-2025-{n + 1:04d}")
    number = factory.Sequence(lambda n: n + 1)
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC))


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


class StatusChangeFactory(DjangoModelFactory):
    """A step of a request's timeline (`submit` by its author unless told otherwise)."""

    class Meta:
        model = "applications.StatusChange"

    application = factory.SubFactory(ApplicationFactory)
    transition = "submit"
    from_status = "draft"
    to_status = "submitted"
    actor = factory.SelfAttribute("application.created_by")
    comment = ""
