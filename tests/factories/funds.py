"""Reference data, co-funders, carrier associations and their funds."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from funds.models import Fund, Funder
from tests.factories.accounts import UserFactory, make_siret


def _many(field: str) -> factory.PostGeneration:
    """`Factory(field=[...])` sets that many-to-many relation once the object is saved."""

    def set_related(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).set(extracted)

    return factory.PostGeneration(set_related)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = "funds.Commune"
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"59{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department_code = "59"


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = "funds.Neighbourhood"
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"QN0{59000 + n}T")
    name = factory.Sequence(lambda n: f"Quartier {n}")
    department_code = "59"
    region_code = "32"

    communes = _many("communes")


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = "funds.Theme"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thématique {n}")
    position = factory.Sequence(lambda n: n)


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = "funds.Funder"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ville {n}")
    kind = Funder.Kind.CITY


class CarrierAssociationFactory(DjangoModelFactory):
    class Meta:
        model = "funds.CarrierAssociation"
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
        model = "funds.Fund"
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

    themes = _many("themes")
    neighbourhoods = _many("neighbourhoods")


class FundCoFunderFactory(DjangoModelFactory):
    class Meta:
        model = "funds.FundCoFunder"

    fund = factory.SubFactory(FundFactory)
    funder = factory.SubFactory(FunderFactory)
    amount = Decimal("10000.00")


class AssociationStaffFactory(DjangoModelFactory):
    class Meta:
        model = "funds.AssociationStaff"

    association = factory.SubFactory(CarrierAssociationFactory)
    user = factory.SubFactory(UserFactory)


class FunderStaffFactory(DjangoModelFactory):
    class Meta:
        model = "funds.FunderStaff"

    funder = factory.SubFactory(FunderFactory)
    user = factory.SubFactory(UserFactory)


class CvsFundFactory(FundFactory):
    scheme = Fund.Scheme.CVS
    name = factory.Sequence(lambda n: f"Contrat de ville {n}")
    slug = factory.Sequence(lambda n: f"cvs-{n}")
    max_grant = Decimal("15000.00")
    envelope = Decimal("200000.00")
