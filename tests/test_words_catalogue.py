"""The French catalogue: committed compiled, in step with its .po, with every plural's two forms, so that counts
read right ("0 message", "1 abstention", "2 messages") and sizes say "Ko"."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation.template import templatize

from committees.selectors.voting import VoteCount
from core.catalogue import PLURAL_FORMS, fill_plurals, parse

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_the_catalogue_is_committed_compiled_with_the_french_plural_rule():
    assert PO.exists() and MO.exists()
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["plural-forms"] == PLURAL_FORMS
    assert (compiled.ngettext("%(count)s abstention", "%(count)s abstentions", 0)) == "%(count)s abstention"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed: cannot compile")
def test_the_committed_mo_is_the_compiled_po(tmp_path):
    """Fails when the .po was changed without `make messages` (or compilemessages) being run."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as a, MO.open("rb") as b:
        expected, committed = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert committed._catalog == expected._catalog, "locale/fr: run `make messages` and commit the .mo"


def test_every_plural_entry_has_its_two_forms_and_no_fuzzy_guess():
    entries = [e for e in parse(PO.read_text(encoding="utf-8")) if not e.is_header]
    plurals = [e for e in entries if e.is_plural]
    assert len(plurals) > 30
    unfilled = [e.text("msgid") for e in plurals if not (e.text("msgstr[0]") and e.text("msgstr[1]"))]
    assert unfilled == [], "run `make messages`"
    assert [e.text("msgid") for e in entries if e.is_fuzzy] == []


def test_fill_plurals_gives_the_two_forms_and_drops_fuzzy_guesses():
    po = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
            "",
            "#, python-format",
            'msgid "%(n)s pièce"',
            'msgid_plural "%(n)s pièces"',
            'msgstr[0] ""',
            'msgstr[1] ""',
            "",
            "#, fuzzy, python-format",
            '#| msgid "%(n)s vieux"',
            'msgid "%(n)s neuf"',
            'msgstr "%(n)s vieux"',
            "",
        ]
    )
    text, filled = fill_plurals(po)
    assert filled == 1
    assert 'msgstr[0] "%(n)s pièce"\nmsgstr[1] "%(n)s pièces"' in text
    assert "fuzzy" not in text and "vieux" not in text
    assert f'"Plural-Forms: {PLURAL_FORMS}\\n"' in text and '"Language: fr\\n"' in text
    assert fill_plurals(text) == (text, 0)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "(0 message)"), (1, "(1 message)"), (2, "(2 messages)"), (12, "(12 messages)")],
)
def test_a_count_of_messages_reads_right(count, expected):
    # The request page's heading (templates/applications/_heading.html).
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}Fil de messages avec le porteur ({{ counter }} message)"
        "{% plural %}Fil de messages avec le porteur ({{ counter }} messages){% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"n": count})).endswith(expected)


@pytest.mark.parametrize(
    ("abstentions", "expected"),
    [
        (0, "2 pour, 1 contre, 0 abstention"),
        (1, "2 pour, 1 contre, 1 abstention"),
        (3, "2 pour, 1 contre, 3 abstentions"),
    ],
)
def test_votes_read_right(abstentions, expected):
    with translation.override("fr"):
        assert VoteCount(votes_for=2, votes_against=1, abstentions=abstentions).phrase == expected


def test_quorum_and_documents_counts_read_right():
    with translation.override("fr"):
        quorum = Template(
            "{% load i18n %}{% blocktranslate with total=5 required=3 count present=n %}{{ present }} membre votant "
            "présent sur {{ total }} ; quorum : {{ required }}.{% plural %}{{ present }} membres votants présents "
            "sur {{ total }} ; quorum : {{ required }}.{% endblocktranslate %}"
        )
        assert quorum.render(Context({"n": 0})) == "0 membre votant présent sur 5 ; quorum : 3."
        assert quorum.render(Context({"n": 4})) == "4 membres votants présents sur 5 ; quorum : 3."
        days = Template(
            "{% load i18n %}{% blocktranslate count days=n %}{{ days }} jour{% plural %}{{ days }} jours"
            "{% endblocktranslate %}"
        )
        assert [days.render(Context({"n": n})) for n in (0, 1, 15)] == ["0 jour", "1 jour", "15 jours"]


def test_sizes_say_ko_and_mo():
    with translation.override("fr"):
        assert filesizeformat(2048) == "2,0\xa0Ko"
        assert filesizeformat(5 * 1024 * 1024) == "5,0\xa0Mo"
        assert filesizeformat(193) == "193\xa0octets"


SOURCE_DIRS = (
    "accounts",
    "api",
    "applications",
    "bundles",
    "committees",
    "core",
    "devdata",
    "funds",
    "opendata",
    "pic_portal",
    "portal",
    "reports",
    "webhooks",
)
PLURAL_CALLS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
TEMPLATE_PLURAL = re.compile(r"\bn(?:p)?gettext\(u?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def _plurals_in_python() -> set[str]:
    found = set()
    for folder in SOURCE_DIRS:
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in PLURAL_CALLS and node.args:
                    first = node.args[1 if name.startswith("np") else 0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        found.add(first.value)
    return found


def _plurals_in_templates() -> set[str]:
    found = set()
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*"):
        if path.suffix in {".html", ".txt"}:
            source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            found.update(ast.literal_eval(m.group(1)) for m in TEMPLATE_PLURAL.finditer(source))
    return found


def test_every_plural_of_the_code_is_in_the_catalogue():
    """A count added without `make messages` would read "0 messages" (gettext's English rule) until it is."""
    in_catalogue = {e.text("msgid") for e in parse(PO.read_text(encoding="utf-8")) if e.is_plural}
    used = _plurals_in_python() | _plurals_in_templates()
    assert "%(count)s abstention" in used and "Fil de messages avec le porteur (%(counter)s message)" in used
    assert sorted(used - in_catalogue) == [], "run `make messages` and commit locale/fr"
