"""1. Queries per page at 10 and 1,000 rows; 2. server time of each page at full size."""

import contextlib
import statistics
import time
from dataclasses import replace

from bench.client import Page, cache_off, clear_page_caches, client_for, forget_session, get_ok
from bench.common import QUERY_ROWS, percentile
from bench.subjects import biggest_fund, same_size_holder, typical_association, typical_fund


def world_pages(summary) -> list[Page]:
    from accounts.models import User
    from funds.models import Fund, Neighbourhood

    staff = User.objects.get(email=summary.staff_emails[0])
    funder = User.objects.get(email=summary.funder_staff_emails[0])
    holder = User.objects.get(email=summary.busy_holder_email)
    fund = Fund.objects.get(slug=summary.fund_slugs[0])
    neighbourhood = Neighbourhood.objects.get(code=summary.neighbourhood_codes[0])
    return [
        Page("inbox", "Staff inbox", "/equipe/demandes/", staff, "association staff"),
        Page("holder", "Holder's space", "/mes-demandes/", holder, "holder"),
        Page("fund", "Fund page", f"/fonds/{fund.slug}/", staff, "association staff"),
        Page("dashboard", "Funder dashboard", "/financeurs/", funder, "co-funder staff"),
        Page("annual", "Annual report page", f"/rapports/{fund.slug}/{fund.year}/", staff, "association staff"),
        Page("showcase", "Showcase list", f"/projets/?neighbourhood={neighbourhood.pk}", None, "anonymous"),
        Page("bilans", "Bilans list", "/bilans/", staff, "association staff"),
    ]


def count_queries(seed: int) -> list[dict]:
    """Build a 10-request and a 1,000-request world (one association, fund, holder, co-funder, QPV each),
    count each page's queries in both, then roll everything back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from devdata.loaddata import Spec, generate

    results: dict[str, dict] = {}
    with transaction.atomic():
        for rows in QUERY_ROWS:
            print(f"  world of {rows} requests")
            summary = generate(Spec.world(label=f"banc{rows}", requests=rows, seed=seed))
            for page in world_pages(summary):
                client = client_for(page.user)
                with cache_off():  # the queries of a full render, not of a page served from the cache
                    get_ok(client, page.path)  # warm caches (content types, sessions...) before counting
                    clear_page_caches()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        get_ok(client, page.path)
                        elapsed = time.perf_counter() - started
                count = len(captured.captured_queries)  # read before the next request resets the log
                entry = results.setdefault(page.key, {"name": page.name, "path_pattern": page.path, "who": page.who})
                entry[rows] = {"queries": count, "ms": round(elapsed * 1000, 1)}
        transaction.set_rollback(True)
    return list(results.values())


# --- 2. Server time at full size --------------------------------------------------------------------------


def full_size_pages() -> list[Page]:
    """The pages timed at each scale, cache off (the headline), then the cached pages again with the cache on.

    Each page is seen by an entity chosen by the same rule at every scale and of about the same size (the
    association of median size, its current fund, the holders after the busiest one), so the time at scale 5
    over the time at scale 1 says whether a page's cost follows the region's size. The largest fund (which
    grows with the scale) is timed too, for the annual report page's target. Size labels are counted here.
    """
    from accounts.models import User
    from applications.models import Application
    from reports.permissions import readable_funds
    from reports.selectors import staff_bilan_queryset

    association, staff = typical_association()
    fund = typical_fund(association)
    big = biggest_fund()
    region = User.objects.filter(funder_links__funder__name="Région Hauts-de-France").order_by("email").first()
    holder, holder_requests = same_size_holder()
    managed = Application.objects.managed_by(staff).count()
    bilans = staff_bilan_queryset(user=staff, today=timezone_today()).count()
    staff_funds = readable_funds(staff).count()
    region_funds = readable_funds(region).count()
    headline = [
        Page("inbox", "Staff inbox", "/equipe/demandes/", staff, staff.email, f"{managed} filed requests"),
        Page("holder", "Holder's space", "/mes-demandes/", holder, holder.email, f"{holder_requests} requests"),
        Page("fund", "Fund page", f"/fonds/{fund.slug}/", staff, staff.email, f"{fund.filed} filed requests"),
        Page("dashboard", "Dashboard, association staff", "/financeurs/", staff, staff.email, f"{staff_funds} funds"),
        Page(
            "dashboard_region",
            "Dashboard, Région staff (page 1)",
            "/financeurs/",
            region,
            region.email,
            f"{region_funds} funds, 25 a page",
        ),
        Page(
            "annual",
            "Annual report page",
            f"/rapports/{fund.slug}/{fund.year}/",
            staff,
            staff.email,
            f"{fund.filed} projects",
        ),
        Page(
            "annual_largest",
            "Annual report page, largest fund",
            f"/rapports/{big.slug}/{big.year}/",
            User.objects.filter(association_links__association=big.association).order_by("email").first(),
            "its association's staff",
            f"{big.filed} projects",
        ),
        Page("bilans", "Staff bilans list", "/bilans/", staff, staff.email, f"{bilans} rows, 50 a page"),
        Page("showcase", "Showcase (12 cards)", "/projets/", None, "anonymous", "first page"),
    ]
    pages = [replace(page, cache_off=True) for page in headline]
    cached = [page for page in headline if page.key in CACHED_PAGES]
    return pages + [replace(page, key=f"{page.key}_cached", name=f"{page.name}, cached") for page in cached]


CACHED_PAGES = ("inbox", "holder", "showcase")  # cached once rendered in production: timed that way too


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def time_pages(pages: list[Page], *, requests: int, warmup: int) -> list[dict]:
    results = []
    for page in pages:
        with cache_off() if page.cache_off else contextlib.nullcontext():
            results.append(_time_page(page, requests=requests, warmup=warmup))
        r = results[-1]
        print(f"  {page.name}: median {r['median_ms']} ms, p95 {r['p95_ms']} ms, Python CPU {r['cpu_median_ms']} ms")
    return results


def _time_page(page: Page, *, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(client):
        if page.cache_off:
            clear_page_caches()
        return get_ok(client, page.path)

    client = client_for(page.user)
    for _ in range(warmup):
        get(client)
    with CaptureQueriesContext(connection) as captured:
        get(client)
    # Read now: `captured_queries` is a view of the connection's log, which the next request resets.
    queries = list(captured.captured_queries)
    times = []
    cpu_times = []  # this process's CPU time per GET: the Python side, whatever else runs on the machine
    size = 0
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = get(client)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        size = len(response.content)
    forget_session(client)
    return {
        "key": page.key,
        "name": page.name,
        "path": page.path,
        "who": page.who,
        "rows": page.rows,
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "min_ms": round(min(times), 1),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "cpu_median_ms": round(statistics.median(cpu_times), 1),
        "requests": requests,
        "kb": round(size / 1024),
    }
