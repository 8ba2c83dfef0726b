"""`as_field` writes the markup of crispy's `as_crispy_field` (only the blank space between tags may differ)."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict

from applications.forms import SelectionForm
from applications.inbox import InboxFilter
from applications.models import Application
from committees.forms import AgendaSelectionForm
from core.templatetags.portal_fields import _rendered, as_field
from tests import factories as f

INBOX_QUERIES = [
    "",
    "q=abc&mine=on&status=submitted&status=granted&amount_min=12&submitted_from=2024-01-02",
    "q=%3Cb%3E&mine=x&status=nope&amount_min=-3&submitted_from=1900-01-01&fund=999999&theme=x",
]


def _blank_space_folded(html) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def _assert_same(build, name: str) -> None:
    # Two forms: crispy adds its classes to the widget it renders, as `as_field` does.
    expected, written = build()[name], build()[name]
    assert _blank_space_folded(as_field(written)) == _blank_space_folded(as_crispy_field(expected))


@pytest.mark.parametrize("query", INBOX_QUERIES)
def test_the_inbox_filters_as_crispy_writes_them(world, query):
    def build():
        filterset = InboxFilter(
            QueryDict(query), queryset=Application.objects.none(), user=None, fund_ids=[world.fund.pk]
        )
        filterset.is_valid()
        return filterset.form

    for name in build().fields:
        _assert_same(build, name)


@pytest.mark.parametrize("data", [None, {"instructeur": "0", "demandes": "x"}])
def test_the_selection_fields_as_crispy_writes_them(world, data):
    staff = f.AssociationStaffFactory(association=world.fund.association).user
    session = f.CommitteeSessionFactory(committee=world.committee)

    def build():
        form = SelectionForm(data, user=staff, initial={"instructeur": staff.pk})
        form.is_valid()
        return form

    def agenda():
        form = AgendaSelectionForm(data, sessions=[session])
        form.is_valid()
        return form

    _assert_same(build, "instructeur")
    _assert_same(agenda, "seance")
    _assert_same(agenda, "invited_to_present")


class _Required(forms.Form):
    required_css_class = "needed"
    name = forms.CharField(label="Nom <complet>", help_text="Aide <b>HTML</b>")
    agree = forms.BooleanField(label="D'accord", help_text="Cochez")
    days = forms.MultipleChoiceField(
        label="Jours", choices=[("Semaine", [("1", "Lundi")]), ("2", "Mardi")], widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label="Genre", choices=[("", "—"), ("Groupe <1>", [("a", "A & B")]), ("c", "C")])
    count = forms.IntegerField(label="Nombre", required=False)
    email = forms.EmailField(label="Courriel", required=False, initial="a@b.fr")


REQUIRED_DATA = [None, {}, {"name": "x", "agree": "on", "days": ["1"], "kind": "a", "count": "x", "email": "@"}]


@pytest.mark.parametrize("data", REQUIRED_DATA)
def test_required_fields_help_texts_and_groups_as_crispy_writes_them(data):
    def build():
        form = _Required(data)
        if data is not None:
            form.is_valid()
        return form

    for name in build().fields:
        _assert_same(build, name)


@pytest.mark.parametrize("data", REQUIRED_DATA)
def test_the_widgets_written_in_python_are_djangos_to_the_letter(data):
    for name in _Required.base_fields:
        expected, written = _Required(data)[name], _Required(data)[name]
        assert _rendered(written) == str(expected)
