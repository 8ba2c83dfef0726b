"""factory-boy factories shared by the whole suite."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
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
