"""Open data in the SCDL "subventions" 2.1.1 format: rows, files, the export command, the public pages."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from frictionless import Resource, Schema

from applications.models import Holder
from applications.workflow import Status
from funds.models import CarrierAssociation
from opendata import scdl
from opendata.validation import validate_rows
from tests import factories as f

SCHEMA = Schema.from_descriptor(json.loads(scdl.SCHEMA_PATH.read_text(encoding="utf-8")))


def grant(world, staff, *, kind=Holder.Kind.GROUP, consent=False, amount="400", siret="", rna="", **extra):
    owner = f.UserFactory()
    holder = f.HolderFactory(
        owner=owner, kind=kind, name=extra.pop("name", "Les voisins du square"), siret=siret, rna=rna
    )
    application = f.GrantedApplicationFactory(
        fund=world.fund, created_by=owner, holder=holder, showcase_consent=consent, **extra
    )
    decision = f.record_decision(
        application=application,
        outcome="granted",
        session_date=datetime.date(2025, 4, 10),
        decided_by=staff,
        amount=amount,
        committee=world.committee,
    )
    return application, decision


@pytest.fixture
def grants(world, staff):
    """Three grants of Hommelet 2025: an association (paid twice), a consenting group, a group without consent."""
    association, _ = grant(
        world,
        staff,
        kind=Holder.Kind.ASSOCIATION,
        name="Association Les Jardins",
        siret=f.make_siret(4242),
        rna="W595000123",
    )
    for kind, amount, paid_on in (("advance", "320.00", (2025, 5, 2)), ("balance", "80.00", (2025, 9, 1))):
        paid_on = datetime.date(*paid_on)
        f.PaymentFactory(application=association, kind=kind, amount=Decimal(amount), paid_on=paid_on, recorded_by=staff)
    consenting, decision = grant(world, staff, consent=True, name="Collectif Fête du square", amount="500")
    f.AmendmentFactory(decision=decision, amount_delta=Decimal("-100.00"))
    private, _ = grant(world, staff, consent=False, name="Famille Martin et voisins", amount="300")
    return association, consenting, private


def rows_of(world):
    return scdl.scdl_rows(fund=world.fund, year=2025)


def test_rows_map_each_grant(world, grants):
    association, consenting, private = grants
    rows = {row["referenceDecision"]: row for row in rows_of(world)}
    assert len(rows) == 3
    row = rows[association.reference]
    assert row["nomAttribuant"] == "Centre social de l'Hommelet"
    assert row["idAttribuant"] == world.hommelet.siret
    assert row["dateConvention"] == "2025-04-10"
    assert (row["nomBeneficiaire"], row["idBeneficiaire"], row["rnaBeneficiaire"]) == (
        "Association Les Jardins",
        f.make_siret(4242),
        "W595000123",
    )
    assert row["montant"] == "400.00"
    assert row["nature"] == "aide en numéraire"
    assert (row["conditionsVersement"], row["datesPeriodeVersement"]) == ("échelonné", "2025-05-02/2025-09-01")
    assert row["notificationUE"] == "non" and row["pourcentageSubvention"] == "1.00"
    # The amended grant is published at its effective amount.
    assert rows[consenting.reference]["montant"] == "400.00"


def test_residents_group_is_published_without_personal_data(world, grants):
    _association, consenting, private = grants
    rows = {row["referenceDecision"]: row for row in rows_of(world)}
    assert rows[consenting.reference]["nomBeneficiaire"] == "Collectif Fête du square"
    unnamed = rows[private.reference]
    assert unnamed["nomBeneficiaire"] == "Groupe d'habitants (quartier Quartier Intercommunal Roubaix-Tourcoing)"
    for row in (rows[consenting.reference], unnamed):
        assert row["idBeneficiaire"] == "" and row["rnaBeneficiaire"] == ""
    text = json.dumps(rows_of(world), ensure_ascii=False)
    assert "Martin" not in text


def test_payment_terms():
    fund = f.FundFactory.build(advance_percent=Decimal("80"), bilan_due_days=30)
    decided = datetime.date(2025, 4, 10)
    none = scdl.Payments(0, Decimal("0"), None, None)
    assert scdl.payment_terms(amount=Decimal("400"), payments=none, decided_on=decided, fund=fund) == (
        "échelonné",
        "2025-04-10/2025-05-10",
    )
    single = scdl.Payments(1, Decimal("400"), datetime.date(2025, 5, 2), datetime.date(2025, 5, 2))
    assert scdl.payment_terms(amount=Decimal("400"), payments=single, decided_on=decided, fund=fund) == (
        "unique",
        "2025-05-02",
    )
    fund.advance_percent = Decimal("100")
    assert scdl.payment_terms(amount=Decimal("400"), payments=none, decided_on=decided, fund=fund)[0] == "unique"


def test_rows_are_read_in_one_query(world, grants, django_assert_num_queries):
    fund = type(world.fund).objects.select_related("association").get(pk=world.fund.pk)
    with django_assert_num_queries(1):
        scdl.scdl_rows(fund=fund, year=2025)


def test_export_validates_against_the_schema_with_frictionless(world, grants, tmp_path):
    call_command("export_scdl", fund=world.fund.slug, year=2025, out=str(tmp_path), stdout=io.StringIO())
    folder = tmp_path / world.fund.slug / "2025"
    csv_path, json_path = folder / "subventions.csv", folder / "subventions.json"
    for path in (csv_path, json_path):
        report = Resource(path=path.name, basepath=str(folder), schema=SCHEMA).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    header = next(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert header == [field.name for field in SCHEMA.fields]
    assert len(json.loads(json_path.read_text(encoding="utf-8"))) == 3


def test_the_runtime_validator_agrees_with_frictionless_on_a_bad_row(world, grants):
    rows = rows_of(world)
    rows[0] = {
        **rows[0],
        "idAttribuant": "123",
        "rnaBeneficiaire": "X1",
        "montant": "1,5",
        "dateConvention": "10/04/2025",
    }
    fields = {error.field for error in validate_rows(scdl.schema(), rows)}
    assert fields == {"idAttribuant", "rnaBeneficiaire", "montant", "dateConvention"}
    report = Resource(data=[list(rows[0])] + [list(row.values()) for row in rows], schema=SCHEMA).validate()
    assert {error.field_name for error in report.tasks[0].errors} == fields


def test_malformed_value_is_refused_naming_fund_and_field(world, grants, tmp_path):
    CarrierAssociation.objects.filter(pk=world.hommelet.pk).update(siret="")
    with pytest.raises(CommandError) as raised:
        call_command("export_scdl", fund=world.fund.slug, year=2025, out=str(tmp_path), stdout=io.StringIO())
    assert world.fund.slug in str(raised.value)
    assert "idAttribuant" in str(raised.value)
    assert not any(tmp_path.iterdir())


def test_public_page_lists_the_files(world, grants):
    f.FundFactory(association=world.lille_sud, slug="pic-cache", is_published=False)
    response = Client().get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Licence Ouverte" in html
    csv_url = reverse("opendata:grants_file", args=[world.fund.slug, 2025, "csv"])
    assert csv_url == "/donnees-ouvertes/pic-hommelet-2025/2025/subventions.csv"
    assert csv_url in html and csv_url.replace(".csv", ".json") in html
    assert "pic-lille-sud-2025" not in html  # nothing granted there


def test_public_files_are_served_and_cached(world, grants, django_assert_max_num_queries):
    client = Client()
    url = reverse("opendata:grants_file", args=[world.fund.slug, 2025, "csv"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0].startswith("nomAttribuant,idAttribuant,")
    with django_assert_max_num_queries(0):
        assert client.get(url).content == response.content
    data = client.get(url.replace(".csv", ".json")).json()
    assert sorted(row["montant"] for row in data) == [300.0, 400.0, 400.0]


def test_files_of_unpublished_funds_years_without_grants_and_malformed_data_are_not_served(world, grants):
    client = Client()
    assert client.get(reverse("opendata:grants_file", args=[world.fund.slug, 2024, "csv"])).status_code == 404
    assert client.get(reverse("opendata:grants_file", args=[world.fund.slug, 2025, "xml"])).status_code == 404
    CarrierAssociation.objects.filter(pk=world.hommelet.pk).update(siret="")
    assert client.get(reverse("opendata:grants_file", args=[world.fund.slug, 2025, "json"])).status_code == 404
    type(world.fund).objects.filter(pk=world.fund.pk).update(is_published=False)
    assert client.get(reverse("opendata:grants_file", args=[world.fund.slug, 2025, "csv"])).status_code == 404


def test_schema_file_is_served(db):
    response = Client().get(reverse("opendata:schema"))
    assert response.status_code == 200
    assert json.loads(response.content)["version"] == "2.1.1"


def test_draft_statuses_do_not_matter_only_grants(world, staff, grants):
    refused = f.ApplicationFactory(fund=world.fund, status=Status.REFUSED, reference="PIC-2025-0900")
    f.record_decision(application=refused, outcome="refused", session_date=datetime.date(2025, 4, 10), decided_by=staff)
    assert "PIC-2025-0900" not in {row["referenceDecision"] for row in rows_of(world)}


def test_the_demo_hommelet_2025_export_validates_against_the_schema(db, tmp_path):
    """The issue's acceptance case: the demo's Hommelet 2025 grants, exported by the command, are valid SCDL."""
    call_command("seed_demo", verbosity=0)
    call_command("export_scdl", fund="pic-hommelet-2025", year=2025, out=str(tmp_path), stdout=io.StringIO())
    folder = tmp_path / "pic-hommelet-2025" / "2025"
    rows = json.loads((folder / "subventions.json").read_text(encoding="utf-8"))
    assert rows, "the demo's Hommelet 2025 fund has grants to publish"
    assert {row["idAttribuant"] for row in rows} == {"78451236000016"}
    for name in ("subventions.csv", "subventions.json"):
        report = Resource(path=name, basepath=str(folder), schema=SCHEMA).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
