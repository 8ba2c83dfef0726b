"""Every URL pattern is reached by a browser journey, or declared not applicable (or pending) with a
reason in coverage.toml: a new page cannot escape the browser checks unnoticed."""

import fnmatch
import tomllib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.conftest import JOURNEY_OUTCOMES, VISITED

pytestmark = pytest.mark.e2e

COVERAGE = tomllib.loads((Path(__file__).parent / "coverage.toml").read_text(encoding="utf-8"))


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.lookup_str}"


def declared():
    visited = {name for journey in COVERAGE["journeys"].values() for name in journey["visited"]}
    return visited, set(COVERAGE["not_applicable"]), set(COVERAGE.get("pending", {}))


def test_every_url_pattern_is_declared():
    visited, not_applicable, pending = declared()
    names = set(url_names())
    undeclared = sorted(
        name
        for name in names
        if name not in visited
        and name not in pending
        and not any(fnmatch.fnmatchcase(name, pattern) for pattern in not_applicable)
    )
    assert not undeclared, f"URL patterns neither visited by a journey nor declared in coverage.toml: {undeclared}"
    stale = sorted(n for n in visited | pending | not_applicable if "*" not in n and n not in names)
    assert not stale, f"coverage.toml names URL patterns that no longer exist: {stale}"
    overlap = sorted(visited & (pending | not_applicable))
    assert not overlap, f"declared both visited and pending/not applicable: {overlap}"
    portal = [n for n in names if not n.startswith("admin:")]
    print(
        f"\nURL coverage: {len(portal)} portal patterns, {len(visited)} visited by journeys, "
        f"{len(not_applicable) - 1} not applicable, {len(pending)} pending"
    )


def test_journeys_visit_what_they_declare():
    """For each journey that passed in this session, the pages it declares were really requested."""
    checked = 0
    for journey, spec in COVERAGE["journeys"].items():
        runs = [name for name in JOURNEY_OUTCOMES if name.split("[")[0] == journey]
        if not runs or any(JOURNEY_OUTCOMES[name] != "passed" for name in runs):
            continue
        missing = sorted(set(spec["visited"]) - VISITED[journey])
        assert not missing, f"{journey} declares pages it did not reach: {missing}"
        checked += 1
    if not checked:
        pytest.skip("no journey ran in this session: only the static declaration was checked")
