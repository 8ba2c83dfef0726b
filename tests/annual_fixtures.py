"""Fixtures shared by the annual report's tests: the scenario with known answers, its report, URLs."""

import re

import pytest
from django.urls import reverse

from reports.annual import annual_report
from tests import factories as f


@pytest.fixture(name="scenario")
def scenario_fixture(world, staff):
    return f.build_annual_report_scenario(world, staff)


@pytest.fixture(name="report")
def report_fixture(world, scenario):
    return annual_report(fund=world.fund)


def url(name, fund, year=None):
    return reverse(f"annual:{name}", args=[fund.slug, year or fund.year])


def plain(text: str) -> str:
    """Spaces of every kind (narrow no-break, no-break, new lines) as one plain space."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", text)
