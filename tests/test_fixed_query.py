"""`core.fixed_query`: the ORM builds a constant read (`FixedQuery`) or a read's constant part (`PrebuiltQuery`)
once, the database runs it every time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.fixed_query import FixedQuery, PrebuiltQuery
from funds.models import Theme
from reports.showcase import ShowcaseFilterForm
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_fixed_query_is_built_once_and_reads_the_database_each_time():
    built = []

    def build():
        built.append(1)
        return Theme.objects.filter(position__lt=5).order_by("position").values_list("pk", "name")

    themes = FixedQuery(build)
    first = f.ThemeFactory(name="Culture", position=1)
    f.ThemeFactory(name="Sport", position=7)  # not read: position 5 or more

    assert themes.rows() == [(first.pk, "Culture")]
    second = f.ThemeFactory(name="Santé", position=3)
    with CaptureQueriesContext(connection) as queries:
        rows = themes.rows()

    assert rows == [(first.pk, "Culture"), (second.pk, "Santé")]  # the rows of now, not of the first read
    assert rows == list(build())  # what the ORM itself reads
    assert len(queries) == 1
    assert len(built) == 2  # built once for `rows()` (the second time here is the comparison's)


def test_a_prebuilt_query_is_built_once_and_each_use_reads_the_rows_of_now():
    built = []

    def build():
        built.append(1)
        return Theme.objects.filter(position__lt=5).order_by("position").values_list("name", flat=True)

    themes = PrebuiltQuery(build)
    f.ThemeFactory(name="Culture", position=1)
    f.ThemeFactory(name="Sport", position=7)  # not read: position 5 or more

    assert list(themes.queryset()) == ["Culture"]
    f.ThemeFactory(name="Santé", position=3)
    assert list(themes.queryset()) == ["Culture", "Santé"]  # a fresh clone: the rows of now, not of the first read
    assert list(themes.queryset().filter(name__startswith="S")) == ["Santé"]  # each use adds its own filters
    assert list(themes.queryset()) == ["Culture", "Santé"]  # which the next use does not inherit
    assert themes.queryset() is not themes.queryset()
    assert len(built) == 1


def test_the_showcase_offers_the_themes_neighbourhoods_and_years_of_the_published_funds_only(world):
    hidden_theme = f.ThemeFactory(name="Thématique d'un fonds non publié", position=1)
    hidden_area = f.NeighbourhoodFactory(code="QN05999X", name="Pont Neuf, d'un fonds non publié")
    f.FundFactory(is_published=False, year=2019, themes=[hidden_theme], neighbourhoods=[hidden_area])

    def offered():
        form = ShowcaseFilterForm()
        return {name: [label for _value, label in form.fields[name].choices] for name in form.fields}

    assert offered() == {
        "theme": ["Toutes", "Lutte contre l'isolement", "Innovation sociale"],
        "neighbourhood": ["Tous", "Quartier Intercommunal Roubaix-Tourcoing", "Secteur Sud"],
        "year": ["Toutes", "2025"],
    }
    f.FundFactory(is_published=True, year=2023, themes=[hidden_theme], neighbourhoods=[hidden_area])
    assert offered() == {
        "theme": ["Toutes", "Thématique d'un fonds non publié", "Lutte contre l'isolement", "Innovation sociale"],
        "neighbourhood": [
            "Tous",
            "Pont Neuf, d'un fonds non publié",
            "Quartier Intercommunal Roubaix-Tourcoing",
            "Secteur Sud",
        ],
        "year": ["Toutes", "2025", "2023"],
    }
