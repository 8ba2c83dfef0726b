"""The annual report of a fund: every figure on a scenario with known answers, its page, PDF, XLSX and command.

The expected numbers below are worked out by hand from `factories.build_annual_report_scenario` (its
docstring lists the requests).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from applications.workflow import Status
from committees.models import AgendaItem, CommitteeSession, Decision, Payment
from reports import charts
from reports.annual import annual_report
from reports.models import Bilan, EffectChange, EffectObservation
from tests import factories as f
from tests.annual_fixtures import plain, report_fixture, scenario_fixture, url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


# --- Figures ---------------------------------------------------------------------------------------------


def test_money_envelope_granted_paid_left_and_split_by_cofunder(report):
    money = report.money
    assert money.envelope == Decimal("20000.00")
    assert money.granted == Decimal("2200.00")  # 800 + (1 000 − 100) + 500
    assert money.paid == Decimal("1520.00")  # 640 + 160 + 720
    assert money.remaining == Decimal("17800.00")
    assert money.to_pay == Decimal("680.00")
    assert [
        (c.funder.name, c.contribution, c.share_percent, c.granted, c.paid, c.remaining) for c in money.by_cofunder
    ] == [
        (
            "Région Hauts-de-France",
            Decimal("14000.00"),
            Decimal("70.00"),
            Decimal("1540.00"),
            Decimal("1064.00"),
            Decimal("12460.00"),
        ),
        (
            "Ville de Roubaix",
            Decimal("6000.00"),
            Decimal("30.00"),
            Decimal("660.00"),
            Decimal("456.00"),
            Decimal("5340.00"),
        ),
    ]
    assert report.funders == ["Région Hauts-de-France", "Ville de Roubaix"]


def test_granted_by_theme_and_by_neighbourhood(report):
    assert [(r.label, r.projects, r.amount, r.share) for r in report.by_theme] == [
        ("Lutte contre l'isolement", 2, Decimal("1300.00"), Decimal("59.09")),
        ("Innovation sociale", 1, Decimal("900.00"), Decimal("40.91")),
    ]
    assert [(r.label, r.code, r.projects, r.amount, r.share) for r in report.by_neighbourhood] == [
        ("Quartier Intercommunal Roubaix-Tourcoing", "QN05980M", 2, Decimal("1700.00"), Decimal("77.27")),
        ("Nouveau Roubaix", "QN05981M", 1, Decimal("500.00"), Decimal("22.73")),
    ]


def test_activity_counts_average_grant_and_median_delay(report):
    activity = report.activity
    assert activity.received == 7  # the draft and Lille Sud's request are not counted
    assert activity.eligible == 6  # all but the ineligible one; the withdrawn one was declared eligible first
    assert activity.granted == 3
    assert activity.deferred == 1
    assert activity.refused == 1
    assert activity.average_grant == Decimal("733.33")  # 2 200 / 3
    assert activity.decided == 4
    assert activity.median_days_to_decision == Decimal("35.5")  # 21, 31, 40, 68
    assert activity.median_days_text == "35,5"


def test_participation_counts_only_submitted_and_accepted_bilans(report):
    participation = report.participation
    assert participation.bilans == 2  # the returned bilan (100 + 100) is left out
    assert (participation.participants.women, participation.participants.men) == (71, 58)
    assert participation.participants.total == 129
    assert (participation.participants.women_share, participation.participants.men_share) == (
        Decimal("55.04"),
        Decimal("44.96"),
    )
    assert (participation.mobilised.women, participation.mobilised.men) == (15, 11)
    assert (participation.mobilised.women_share, participation.mobilised.men_share) == (
        Decimal("57.69"),
        Decimal("42.31"),
    )
    assert [
        (r.label, r.bilans, r.participants.women, r.participants.men, r.mobilised.women, r.mobilised.men)
        for r in participation.by_theme
    ] == [("Lutte contre l'isolement", 1, 51, 28, 11, 5), ("Innovation sociale", 1, 20, 30, 4, 6)]
    assert [r.participants.women_share for r in participation.by_theme] == [Decimal("64.56"), Decimal("40.00")]
    assert (participation.wants_to_renew, participation.does_not_want_to_renew) == (1, 1)


def test_effects_count_bilans_for_each_effect_and_item(report):
    effects = {effect.effect: effect for level in report.effects.levels for effect in level.effects}
    assert report.effects.bilans == 2
    assert [level.label for level in report.effects.levels] == [
        "Effets individuels",
        "Effets collectifs",
        "Effets sur le quartier et le territoire",
    ]
    assert len(effects) == 10
    social_ties = {item.label: item.bilans for item in effects["social_ties"].items}
    assert effects["social_ties"].bilans == 2
    assert social_ties["dans la vie du projet"] == 2
    assert social_ties["lors d'évènements grand public"] == 1
    assert social_ties["lors de temps spécifiques organisés pour favoriser les rencontres entre ces publics"] == 0
    assert effects["health"].bilans == 1
    assert {item.label: item.bilans for item in effects["health"].items}["d'une plus grande confiance en eux"] == 1
    assert effects["gender_equality"].bilans == 0  # only the returned bilan reports it
    assert sum(item.bilans for effect in effects.values() for item in effect.items) == 4


def test_projects_list_with_amounts_and_status(report):
    rows = [(p.reference, p.status, p.amount_requested, p.granted, p.paid, p.days_to_decision) for p in report.projects]
    assert rows == [
        ("PIC-2025-0001", Status.BALANCE_PAID, Decimal("250.00"), Decimal("800.00"), Decimal("800.00"), 40),
        ("PIC-2025-0002", Status.BILAN_RECEIVED, Decimal("250.00"), Decimal("900.00"), Decimal("720.00"), 31),
        ("PIC-2025-0003", Status.GRANTED, Decimal("250.00"), Decimal("500.00"), Decimal("0.00"), 68),
        ("PIC-2025-0004", Status.REFUSED, Decimal("250.00"), Decimal("0.00"), Decimal("0.00"), 21),
        ("PIC-2025-0005", Status.ELIGIBLE, Decimal("250.00"), Decimal("0.00"), Decimal("0.00"), None),
        ("PIC-2025-0006", Status.INELIGIBLE, Decimal("250.00"), Decimal("0.00"), Decimal("0.00"), None),
        ("PIC-2025-0007", Status.WITHDRAWN, Decimal("250.00"), Decimal("0.00"), Decimal("0.00"), None),
    ]
    assert report.projects[0].status_label == "Solde versé"
    assert report.projects[0].theme == "Lutte contre l'isolement"
    assert report.projects[2].neighbourhood == "Nouveau Roubaix"
    assert report.projects[2].decided_on == datetime.date(2025, 4, 10)  # the grant, not the earlier deferral


def test_difficulties_and_perspectives_are_quoted_from_filed_bilans_only(report):
    assert [(q.reference, q.text) for q in report.difficulties] == [
        ("PIC-2025-0001", "L'espace est restreint les jours de pluie."),
        ("PIC-2025-0002", "Trouver une salle libre le samedi."),
    ]
    assert [(q.reference, q.text) for q in report.perspectives] == [
        ("PIC-2025-0001", "Un café citoyen"),
        ("PIC-2025-0002", "Un atelier vélo pour les enfants."),
    ]


def test_cvs_fund_quotes_difficulties_and_perspectives_of_its_annex_3_bilans(world):
    fund = f.CvsFundFactory(association=world.hommelet)
    f.CvsBilanFactory(application__fund=fund, application__reference="CVS-2025-0001", status="accepted")
    f.CvsBilanFactory(application__fund=fund, application__reference="CVS-2025-0002", difficulties="Brouillon.")
    report = annual_report(fund=fund)
    assert report.is_cvs
    assert [(q.reference, q.text) for q in report.difficulties] == [("CVS-2025-0001", "Un hiver pluvieux.")]
    assert [(q.reference, q.label, q.text) for q in report.perspectives] == [
        ("CVS-2025-0001", "Maintien", "Poursuivre en 2026.")
    ]


def test_report_of_an_empty_fund_has_zeros_and_no_chart(world):
    report = annual_report(fund=world.other_fund)
    assert report.money.granted == Decimal("0.00")
    assert report.activity.received == 0
    assert report.activity.average_grant is None
    assert report.activity.median_days_to_decision is None
    assert report.participation.participants.women_share is None
    assert report.theme_chart == ""
    assert report.participation_chart == ""
    assert report.projects == []


# --- Charts ----------------------------------------------------------------------------------------------


def test_theme_chart_is_an_accessible_svg_with_every_value_in_words(report):
    svg = str(report.theme_chart)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', svg).groups()
    assert f'<title id="{title_id}">Montants accordés par thématique — PIC Hommelet 2025</title>' in svg
    description = plain(re.search(rf'<desc id="{desc_id}">(.*?)</desc>', svg).group(1))
    assert "Lutte contre l&#x27;isolement : 1 300,00 € (59 %)" in description
    assert "Innovation sociale : 900,00 € (41 %)" in description
    # Bars are proportional: the largest takes the full width, the other 900 / 1 300 of it.
    widths = [float(w) for w in re.findall(r'<rect x="4" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(charts.WIDTH - charts.LEFT - charts.VALUE_ROOM)
    assert widths[1] == pytest.approx(widths[0] * 900 / 1300, abs=0.1)


def test_participation_chart_prints_women_and_men_with_their_shares(report):
    svg = plain(str(report.participation_chart))
    assert "<title" in svg and "Participation des femmes et des hommes" in svg
    assert "Participant·es : 71 femmes (55 %), 58 hommes (45 %)." in svg
    assert "Habitant·es mobilisé·es : 15 femmes (58 %), 11 hommes (42 %)." in svg
    assert ">71 (55 %)</text>" in svg and ">11 (42 %)</text>" in svg


def test_chart_text_is_escaped():
    svg = str(
        charts.horizontal_bar_chart(
            chart_id="c", title="<script>", description="a & b", bars=[charts.Bar("<b>x</b>", 1, "1")]
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "a &amp; b" in svg


# --- Who may read ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "region_staff", "city_staff", "admin_user"])
def test_association_staff_cofunders_and_admin_read_the_report(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name in ("report", "report_pdf_page", "report_xlsx"):
        assert client.get(url(name, world.fund)).status_code == 200, name
    # No PDF prepared yet: the download sends them to the page that prepares it.
    assert client.get(url("report_pdf", world.fund))["Location"] == url("report_pdf_page", world.fund)


@pytest.mark.parametrize("persona", ["other_staff", "resident", "outsider", "committee_member"])
def test_others_get_404(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name in ("report", "report_pdf_page", "report_pdf", "report_xlsx"):
        assert client.get(url(name, world.fund)).status_code == 404, name
    assert client.post(url("report_pdf_page", world.fund)).status_code == 404


def test_city_staff_get_404_on_another_citys_fund(client, world, city_staff, region_staff):
    client.force_login(city_staff)
    for name in ("report", "report_pdf_page", "report_pdf", "report_xlsx"):
        assert client.get(url(name, world.other_fund)).status_code == 404, name
    client.force_login(region_staff)
    assert client.get(url("report", world.other_fund)).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(url("report", world.fund))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_year_other_than_the_funds_is_404(client, world, staff):
    client.force_login(staff)
    assert client.get(url("report", world.fund, 2024)).status_code == 404


# --- Number of queries -----------------------------------------------------------------------------------


def _bulk_projects(fund, *, start: int, count: int, user, session, themes, neighbourhood):
    """`count` granted, partly paid requests with accepted bilans and effects, written with bulk_create."""
    applications = Application.objects.bulk_create(
        [
            Application(
                fund=fund,
                created_by=user,
                status=Status.ADVANCE_PAID,
                number=start + i,
                reference=f"PIC-2025-{start + i:04d}",
                title=f"Projet {start + i}",
                theme=themes[i % len(themes)],
                neighbourhood=neighbourhood,
                amount_requested=Decimal("10.00"),
                submitted_at=datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC),
            )
            for i in range(count)
        ]
    )
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(session=session, application=a, position=start + i) for i, a in enumerate(applications)]
    )
    Decision.objects.bulk_create(
        [
            Decision(item=item, outcome=Decision.Outcome.GRANTED, amount_granted=Decimal("10.00"), decided_by=user)
            for item in items
        ]
    )
    Payment.objects.bulk_create(
        [f.PaymentFactory.build(application=a, amount=Decimal("8.00"), recorded_by=user) for a in applications]
    )
    bilans = Bilan.objects.bulk_create(
        [
            Bilan(
                application=a,
                created_by=user,
                status="accepted",
                participant_women=3,
                participant_men=2,
                mobilised_women=1,
                mobilised_men=1,
                difficulties="Une difficulté.",
                other_ideas="Une idée.",
            )
            for a in applications
        ]
    )
    observations = EffectObservation.objects.bulk_create(
        [EffectObservation(bilan=bilan, effect="social_ties") for bilan in bilans]
    )
    EffectChange.objects.bulk_create(
        [EffectChange(observation=o, change="social_ties.project_life") for o in observations]
    )


def _count_queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_projects(client, world, staff):
    now = datetime.datetime(2025, 4, 10, 18, 0, tzinfo=datetime.UTC)
    session = CommitteeSession.objects.create(
        committee=world.committee,
        date=datetime.date(2025, 4, 10),
        time=datetime.time(18, 0),
        place="Salle",
        status=CommitteeSession.Status.CLOSED,
        opened_at=now,
        closed_at=now,
    )
    build = {"user": staff, "session": session, "themes": world.themes, "neighbourhood": world.neighbourhood}
    client.force_login(staff)

    _bulk_projects(world.fund, start=1, count=10, **build)
    small_report = _count_queries(lambda: annual_report(fund=world.fund))
    small_page = _count_queries(lambda: client.get(url("report", world.fund)))
    assert annual_report(fund=world.fund).activity.received == 10

    _bulk_projects(world.fund, start=11, count=990, **build)
    large_report = _count_queries(lambda: annual_report(fund=world.fund))
    large_page = _count_queries(lambda: client.get(url("report", world.fund)))
    report = annual_report(fund=world.fund)
    assert report.activity.received == 1000
    assert report.money.granted == Decimal("10000.00")
    assert report.participation.participants.women == 3000
    assert len(report.projects) == 1000

    assert large_report == small_report
    assert large_page == small_page
    # The page lists 100 projects at a time; the PDF and the XLSX list them all.
    first = client.get(url("report", world.fund)).content.decode()
    assert "Page 1 sur 10, 100 demandes par page" in first
    assert first.count('<th scope="row">Projet ') == 100
    last = client.get(url("report", world.fund), {"page": "10"}).content.decode()
    assert "<td>PIC-2025-1000</td>" in last and "<td>PIC-2025-0001</td>" not in last
    assert client.get(url("report", world.fund), {"page": "zzz"}).status_code == 200
    print(f"annual report: {small_report} queries (selector), {small_page} queries (page) for 10 and 1,000 projects")
