"""Pages that cost what they show: structural checks (query counts, LIMITs, cache versions), never timings.

The speed figures live in bench/ (`make bench`); these tests catch the regressions that made a page read the
whole region: a list built before being cut, a count over every row, a cache emptied by any draft.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.workflow import Status
from core import public_cache
from reports.selectors import TrackingState, staff_bilan_queryset, state_counts, state_of, tracking_state
from reports.selectors.bilans import bilan_due_date
from reports.selectors.tracking import _attached_bilan
from reports.views import annual_reports
from tests import factories as f

pytestmark = pytest.mark.django_db


def _sql(client, path: str, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path, params or {}).status_code == 200
    return [query["sql"] for query in context.captured_queries]


# --- Showcase: its cache moves with what it shows ----------------------------------------------------------


def test_saving_a_draft_keeps_the_public_pages_cached(world, resident):
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, status=Status.DRAFT, submitted_at=None)
    before = public_cache.current_version()
    draft.title = "Un brouillon qui change"
    draft.save()
    f.ApplicationFactory(fund=world.fund, created_by=resident, status=Status.DRAFT, submitted_at=None)
    assert public_cache.current_version() == before


def test_saving_a_granted_project_moves_the_public_version(world, staff):
    application = f.GrantedApplicationFactory(fund=world.fund, status=Status.ADVANCE_PAID)
    f.record_grant_for_bilan(application=application, amount="100", decided_by=staff)
    before = public_cache.current_version()
    application.title = "Nouveau titre public"
    application.save()
    assert public_cache.current_version() != before


def test_a_bilan_being_written_keeps_the_cache_and_one_leaving_accepted_moves_it(world, staff):
    application = f.GrantedApplicationFactory(fund=world.fund, status=Status.ADVANCE_PAID)
    bilan = f.BilanFactory(application=application, status="draft")
    before = public_cache.current_version()
    bilan.results = "En cours d'écriture"
    bilan.save()
    assert public_cache.current_version() == before
    bilan.status = "accepted"
    bilan.save()
    accepted = public_cache.current_version()
    assert accepted != before
    bilan.status = "returned"
    bilan.save()  # was shown, is no longer: the stored row is compared too
    assert public_cache.current_version() != accepted


def test_showcase_list_reads_one_window_of_ids_and_never_counts(client, world, staff):
    for n in range(15):
        application = f.GrantedApplicationFactory(fund=world.fund, status=Status.ADVANCE_PAID, title=f"Projet {n}")
        application.showcase_consent = True
        application.save()
        f.record_grant_for_bilan(application=application, amount="100", decided_by=staff)
    queries = _sql(client, "/projets/")
    assert not any("COUNT(" in sql.upper() for sql in queries)
    assert any("LIMIT 13" in sql for sql in queries)  # 12 cards and one more to know whether a next page exists
    assert not any("reports_bilanattachment" in sql for sql in queries)  # no accepted bilan: no photo to read
    # Filter choices come from the funds' small tables, not from a join with every request.
    assert not any("DISTINCT" in sql.upper() and "applications_application" in sql for sql in queries)
    second = client.get("/projets/", {"page": "2"}).content.decode()
    assert "Page 2" in second and "Page précédente" in second


# --- Annual report page: only the page's projects are built ------------------------------------------------


def test_annual_report_page_reads_only_its_hundred_projects(client, world, staff):
    for n in range(3):
        f.ApplicationFactory(
            fund=world.fund,
            status=Status.SUBMITTED,
            title=f"Projet {n}",
            submitted_at=datetime.datetime(2025, 3, 1 + n, tzinfo=datetime.UTC),
        )
    client.force_login(staff)
    queries = _sql(client, reverse("annual:report", args=[world.fund.slug, world.fund.year]))
    rows = [sql for sql in queries if '"applications_application"."title"' in sql and "amount_requested" in sql]
    assert len(rows) == 1 and '."id" IN (' in rows[0]  # the amounts are read for the page's ids only
    ids = [sql for sql in queries if "number" in sql and "amount_requested" not in sql and "reports_bilan" not in sql]
    assert len(ids) == 1 and " LIMIT " in ids[0]  # the page's ids: a narrow query, cut by the database


def test_annual_report_pages_its_filed_projects_from_the_reports_own_count(client, world, staff, monkeypatch):
    monkeypatch.setattr(annual_reports, "ANNUAL_PROJECTS_PER_PAGE", 2)
    for n in range(3):
        f.ApplicationFactory(
            fund=world.fund,
            status=Status.SUBMITTED,
            number=n + 1,
            title=f"Projet déposé {n}",
            submitted_at=datetime.datetime(2025, 3, 1 + n, tzinfo=datetime.UTC),
        )
    for _n in range(2):  # not filed: neither listed nor counted
        f.ApplicationFactory(fund=world.fund, status=Status.DRAFT, title="Projet en brouillon")
    path = reverse("annual:report", args=[world.fund.slug, world.fund.year])
    client.force_login(staff)

    queries = _sql(client, path)
    first = client.get(path).content.decode()
    second = client.get(path, {"page": "2"}).content.decode()

    counts = [sql for sql in queries if sql.startswith("SELECT COUNT(*)") and "applications_application" in sql]
    assert counts == []  # the pages are counted from the report's "requests received"
    assert "Page 1 sur 2, 2 demandes par page" in first
    assert "Projet déposé 0" in first and "Projet déposé 2" not in first
    assert "Page 2 sur 2" in second and "Projet déposé 2" in second
    assert "Projet en brouillon" not in first + second


# --- Staff bilans list: states in the database, then the page ----------------------------------------------


def _owing(world, *, ends_at, status=Status.ADVANCE_PAID):
    return f.GrantedApplicationFactory(
        fund=world.fund,
        status=status,
        starts_at=ends_at - datetime.timedelta(days=10),
        ends_at=ends_at,
    )


def test_bilan_states_computed_by_the_database_match_the_python_rule(world, staff):
    today = datetime.date(2025, 7, 1)
    aware = datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)
    late = _owing(world, ends_at=aware)
    upcoming = _owing(world, ends_at=datetime.datetime(2025, 12, 1, 12, tzinfo=datetime.UTC))
    returned = _owing(world, ends_at=aware)
    f.BilanFactory(application=returned, status="returned")
    received = _owing(world, ends_at=aware, status=Status.BILAN_RECEIVED)
    f.BilanFactory(application=received, status="submitted")
    accepted = _owing(world, ends_at=aware, status=Status.BALANCE_PAID)
    f.BilanFactory(application=accepted, status="accepted")
    rows = list(staff_bilan_queryset(user=staff, today=today).select_related("fund", "bilan", "cvs_bilan"))
    for row in rows:
        expected = tracking_state(application=row, bilan=_attached_bilan(row), due=bilan_due_date(row), today=today)
        assert state_of(row) == expected, row.title
    states = {row.pk: state_of(row) for row in rows}
    assert states[late.pk] == TrackingState.OVERDUE
    assert states[upcoming.pk] == TrackingState.UPCOMING
    assert states[returned.pk] == TrackingState.RETURNED
    assert states[received.pk] == TrackingState.TO_REVIEW
    assert states[accepted.pk] == TrackingState.ACCEPTED
    counts = state_counts(staff_bilan_queryset(user=staff, today=today))
    assert counts == dict.fromkeys(TrackingState.values, 1)
    assert rows[0].pk == late.pk  # late ones first


def test_staff_bilans_list_queries_do_not_grow_and_load_one_page(client, world, staff):
    client.force_login(staff)
    aware = datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)
    for _ in range(3):
        _owing(world, ends_at=aware)
    few = len(_sql(client, "/bilans/"))
    for _ in range(60):
        _owing(world, ends_at=aware)
    queries = _sql(client, "/bilans/")
    assert len(queries) == few
    assert any("LIMIT 50" in sql for sql in queries)
    assert any("CASE WHEN" in sql.upper() for sql in queries)  # the state is computed in SQL
    overdue = client.get("/bilans/", {"etat": "overdue", "page": "2"}).content.decode()
    assert overdue.count("badge text-bg-danger") == 13


# --- Funders' dashboard: 25 funds a page, totals of the page -----------------------------------------------


def test_region_dashboard_is_paginated_and_its_aggregates_read_the_page_only(client, world, region_staff, staff):
    client.force_login(region_staff)
    few = len(_sql(client, "/financeurs/"))
    for n in range(30):
        fund = f.FundFactory(association=world.hommelet, slug=f"pic-page-{n}", name=f"PIC page {n:02d}")
        f.FundCoFunderFactory(fund=fund, funder=world.region, amount=Decimal("1000.00"))
    queries = _sql(client, "/financeurs/")
    assert len(queries) == few
    response = client.get("/financeurs/")
    rows = response.context["rows"]
    assert len(rows) == 25
    assert response.context["totals"].envelope == sum(row.envelope for row in rows)
    assert response.context["page"].paginator.count >= 30
    last = client.get("/financeurs/", {"page": "2"}).context["rows"]
    assert {row.fund.pk for row in last}.isdisjoint({row.fund.pk for row in rows})


# --- Exports stream --------------------------------------------------------------------------------------


def test_csv_exports_are_streamed_row_by_row(client, world, region_staff, staff):
    client.force_login(region_staff)
    response = client.get(reverse("annual:dashboard_csv"))
    assert response.streaming
    assert response.getvalue().decode("utf-8").startswith("\ufeff")
    client.force_login(staff)
    assert client.get(reverse("staff:inbox_csv")).streaming
