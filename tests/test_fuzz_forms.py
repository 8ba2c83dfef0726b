"""Every form of the portal, driven through its view with hostile values (Hypothesis, derandomized).

For each form the page that shows it is read first: the names of its fields (and the values its choices
offer) come from the HTML the user gets, so the fuzz follows the templates. Each example posts a mix of
hostile values (very long or control-character text, HTML/script, huge and negative numbers, impossible
dates, empty and duplicated fields) and checks:

- never a server error (the test client re-raises any exception of the view);
- the raw `<script>` payload never comes back unescaped (the answer, and the page a redirect leads to);
- nothing written when the answer is an error (every row of the portal's models compared before/after),
  and never anything written to another association's objects, whatever the answer.

Each example runs inside a savepoint rolled back afterwards: every example starts from the same world.
"""

import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Application, BudgetLine
from committees.models import CommitteeSession
from tests import factories as f
from tests.committee_helpers import client_for
from tests.fuzz_world import NOW, fuzz_world_fixture  # noqa: F401  (fixture)

MARKER = '<script>alert("pic-xss")</script>'
EXAMPLES_PER_FORM = 5
FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

HOSTILE = [
    MARKER,
    f"Fête {MARKER} des voisins",
    '"><img src=x onerror=alert(1)>',
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\x07\x1b[31m\x7f",
    "\u202eevil\u200b\ufeff",
    "A" * 6000,
    "é" * 70000,
    "0",
    "-1",
    "-99999999999999999999999",
    "9" * 60,
    "1e308",
    "1e-308",
    "NaN",
    "Infinity",
    "-0.001",
    "12,50",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "31/02/2025",
    "9999-12-31T23:59",
    "-0001-01-01",
    "25:61",
    "2025-06-14T14:00",
    "{{ request }}",
    "%(name)s %s",
    "' OR 1=1 --",
    "../../etc/passwd",
    "on",
    "yes",
    "true",
]
HOSTILE_TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))


class FormFields(HTMLParser):
    """The controls of every <form> of a page: {action: {name: [offered values]}}."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.current: dict[str, list[str]] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = (attrs.get("action") or self.page_url).split("#")[0]
            self.current = self.forms.setdefault(action, {})
        elif self.current is None:
            return
        elif tag in ("input", "textarea", "select", "button"):
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken" or attrs.get("type") == "file":
                return
            values = self.current.setdefault(name, [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select is not None:
            self.current[self.select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def form_fields(client: Client, page_url: str, post_url: str) -> dict[str, list[str]]:
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    parser = FormFields(page_url)
    parser.feed(response.content.decode())
    assert post_url in parser.forms, f"no form posting to {post_url} on {page_url}: {sorted(parser.forms)}"
    return parser.forms[post_url]


def payload(fields: dict[str, list[str]]):
    """For each field: a hostile value, one the page offers, nothing at all, or the field twice."""
    entries = {}
    for name, offered in fields.items():
        offered_values = st.sampled_from(offered) if offered else st.just("")
        single = st.one_of(HOSTILE_TEXT, offered_values)
        entries[name] = st.one_of(single, single, offered_values, st.none(), st.lists(single, min_size=2, max_size=3))
    return st.fixed_dictionaries(entries).map(lambda data: {k: v for k, v in data.items() if v is not None})


SNAPSHOT_APPS = ("accounts", "funds", "applications", "committees", "reports")
VOLATILE = {"last_login"}


def _tables():
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.managed and not model._meta.proxy:
                yield model


def snapshot() -> dict:
    """Every row of the portal's models: on PostgreSQL one digest per table, in a single query."""
    if connection.vendor == "postgresql":
        parts = [
            f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t.{model._meta.pk.column}), '')) "
            f"FROM {connection.ops.quote_name(model._meta.db_table)} t"
            for model in _tables()
        ]
        labels = [model._meta.label for model in _tables()]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), labels)
            return dict(cursor.fetchall())
    rows = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = [
                {k: v for k, v in row.items() if k not in VOLATILE} for row in model.objects.order_by("pk").values()
            ]
    return rows


def foreign_snapshot(world) -> list:
    """What belongs to Lille Sud: never touched by a Hommelet form."""
    lille = Application.objects.filter(fund=world.other_fund)
    return [
        list(lille.order_by("pk").values()),
        list(BudgetLine.objects.filter(application__in=lille).order_by("pk").values()),
        list(CommitteeSession.objects.filter(committee__fund=world.other_fund).order_by("pk").values()),
        list(type(world.other_fund).objects.filter(pk=world.other_fund.pk).values()),
    ]


@pytest.fixture(autouse=True)
def _at_the_session(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


def _check_escaped(client: Client, response, context: str, posted: str) -> None:
    assert MARKER.encode() not in response.content, f"{context}: unescaped script in the answer"
    if MARKER in posted and response.status_code == 302 and response.url.startswith("/"):
        followed = client.get(response.url)
        assert followed.status_code < 500
        assert MARKER.encode() not in followed.content, f"{context}: unescaped script after the redirect"


def fuzz_form(name: str, client: Client, post_url: str, fields: dict, world, runs: dict):
    @FUZZ
    @given(data=payload(fields))
    def fuzz(data):
        runs["examples"] += 1
        savepoint = transaction.savepoint()
        try:
            before, foreign = snapshot(), foreign_snapshot(world)
            response = client.post(post_url, data)
            assert response.status_code < 500, (name, response.status_code)
            _check_escaped(client, response, name, repr(data))
            assert foreign_snapshot(world) == foreign, f"{name}: another association's data changed"
            if response.status_code != 302:
                after = snapshot()
                changed = [label for label in before if before[label] != after[label]]
                assert not changed, f"{name}: refused ({response.status_code}) but wrote to {changed}"
        finally:
            transaction.savepoint_rollback(savepoint)

    return fuzz


def fuzz_filter(url_name: str, client: Client, url: str, names: dict, runs: dict):
    @FUZZ
    @given(data=payload(names))
    def fuzz(data):
        runs["examples"] += 1
        response = client.get(url, data)
        assert response.status_code < 500, (url_name, response.status_code)
        assert MARKER.encode() not in response.content, f"{url_name}: unescaped script"

    return fuzz


FILTERS = {
    "staff:inbox": "staff",
    "annual:dashboard": "staff",
    "annual:showcase": "anonymous",
    "portal:audit_log": "admin",
    "reports:staff_bilans": "staff",
}


def test_every_form_survives_hostile_values(fuzz_world, world, admin_user):
    personas, targets = fuzz_world
    personas["admin"] = admin_user
    runs = {"examples": 0}

    for name, (persona, page_url, post_url) in targets.items():
        client = client_for(personas[persona])
        fields = form_fields(client, page_url, post_url)

        fuzz_form(name, client, post_url, fields, world, runs)()

    for url_name, persona in FILTERS.items():
        client = client_for(personas.get(persona))
        url = reverse(url_name)
        fields = FormFields(url)
        fields.feed(client.get(url).content.decode())
        names = {n: v for form in fields.forms.values() for n, v in form.items()}
        names.update({"page": [], "tri": [], "q": []})

        fuzz_filter(url_name, client, url, names, runs)()

    expected = (len(targets) + len(FILTERS)) * EXAMPLES_PER_FORM
    assert runs["examples"] >= expected * 0.9, runs
    print(f"\nfuzzed examples: {runs['examples']} over {len(targets)} forms and {len(FILTERS)} filters")


def test_the_fuzzed_pages_expose_the_forms_they_claim():
    # The parser reads fields and offered values; an unparsable page would make the fuzz vacuous.
    parser = FormFields("/x/")
    parser.feed(
        '<form method="post"><input name="csrfmiddlewaretoken" value="t"><input name="title" value="A">'
        '<select name="theme"><option value="">-</option><option value="3">B</option></select>'
        '<textarea name="body"></textarea></form><form action="/y/#z"><input name="q"></form>'
    )
    assert parser.forms == {"/x/": {"title": ["A"], "theme": ["", "3"], "body": []}, "/y/": {"q": []}}


def test_the_snapshot_sees_a_single_changed_value(world, resident):
    # The "nothing written" check compares snapshots: it must see one changed field of one row.
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    before = snapshot()
    Application.objects.filter(pk=application.pk).update(place="Ailleurs")
    after = snapshot()
    assert [label for label in before if before[label] != after[label]] == ["applications.Application"]


# --- Bounds: filter dates and ids (issue 14, rule 8) ------------------------------------------------

DATE_FILTERS = {
    "staff:inbox": ("submitted_from", "submitted_to"),
    "staff:inbox_csv": ("submitted_from", "submitted_to"),
    "staff:inbox_xlsx": ("submitted_from", "submitted_to"),
    "portal:audit_log": ("date_from", "date_to"),
}
ANY_DAY = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
DATE_TEXT = st.one_of(
    ANY_DAY.map(datetime.date.isoformat), st.sampled_from(["9999-12-31", "0001-01-01", "99999-01-01"])
)
ANY_ID = st.one_of(
    st.integers(min_value=0, max_value=2**64 + 1),
    st.sampled_from([2**63 - 1, 2**63, 2**64, 10**19, 10**30]),
)


def test_filter_dates_anywhere_in_the_calendar_never_answer_500(world, staff, admin_user):
    clients = {"staff": client_for(staff), "admin": client_for(admin_user)}

    for url_name, (start, end) in DATE_FILTERS.items():
        client = clients["admin" if url_name.startswith("portal:") else "staff"]
        _fuzz_dates(client, url_name, start, end)()


def _fuzz_dates(client: Client, url_name: str, start: str, end: str):
    url = reverse(url_name)

    @FUZZ
    @given(first=DATE_TEXT, last=DATE_TEXT)
    def fuzz(first, last):
        for params in ({start: first}, {end: last}, {start: first, end: last}):
            response = client.get(url, params)
            assert response.status_code < 500, (url_name, params, response.status_code)

    return fuzz


def test_ids_of_any_size_answer_404_never_500(world, resident, staff):
    application = f.ApplicationFactory(fund=world.fund, created_by=resident)
    client = client_for(staff)
    templates = [
        reverse("applications:download_attachment", kwargs={"pk": 1, "attachment_pk": 2}).replace("/1/", "/{a}/", 1),
        reverse("reports:download_attachment", kwargs={"pk": 1, "attachment_pk": 2}).replace("/1/", "/{a}/", 1),
        reverse("applications:application_detail", kwargs={"pk": 1}).replace("/1/", "/{a}/", 1),
        reverse("committees:session_detail", kwargs={"pk": 1}).replace("/1/", "/{a}/", 1),
    ]
    templates = [template.replace("/2/", "/{b}/") for template in templates]

    @FUZZ
    @given(a=ANY_ID, b=ANY_ID)
    def fuzz(a, b):
        for template in templates:
            url = template.format(a=a, b=b)
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if a > 2**63 - 1 or b > 2**63 - 1:
                assert response.status_code == 404, url

    fuzz()
    assert client.get(f"/demandes/{application.pk}/pieces/{2**64}/").status_code == 404
