"""core.widgets.QuickSelect writes the same <select> as Django's template-rendered one, faster."""

import re

from django import forms

from core.widgets import QuickSelect

CHOICES = [("", "Tous"), ("x", "Quartier « X » & <Y>"), ("Groupe", [("g1", "Un"), ("g2", "Deux")])]


class Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select"}))
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect(attrs={"class": "form-select"}))
    django_required = forms.TypedChoiceField(choices=[(1, "un"), (2, "deux")], coerce=int)
    quick_required = forms.TypedChoiceField(choices=[(1, "un"), (2, "deux")], coerce=int, widget=QuickSelect)


def _same(html: str, name: str) -> str:
    """The markup with the field's name and id made neutral, and the template's white space between tags removed."""
    return re.sub(r">\s+<", "><", html.replace("\n", "")).replace(name, "FIELD")


def test_quick_select_writes_the_same_markup_as_djangos_select():
    for data in ({}, {"django": "g2", "quick": "g2", "django_required": "2", "quick_required": "2"}):
        form = Both(data or None)
        assert _same(str(form["quick"]), "quick") == _same(str(form["django"]), "django")
        assert _same(str(form["quick_required"]), "quick_required") == _same(
            str(form["django_required"]), "django_required"
        )
    html = str(Both({"quick": "g2"})["quick"])
    assert '<option value="g2" selected>Deux</option>' in html
    assert "Quartier « X » &amp; &lt;Y&gt;" in html and '<optgroup label="Groupe">' in html
    assert 'class="form-select"' in html and 'id="id_quick"' in html
