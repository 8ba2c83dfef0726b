"""`run_bench.py --profile PATH --as EMAIL`: cProfile one page and list its SQL queries (no RESULTS.md).

Caches off, as the benchmark's headline: every GET renders its page."""

from bench.client import cache_off, clear_page_caches, client_for, forget_session, get_ok


def profile_page(path: str, email: str, repeat: int, explain: int = 0) -> None:
    clear_page_caches()
    with cache_off():
        _profile_page(path, email, repeat, explain)


def _profile_page(path: str, email: str, repeat: int, explain: int) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    user = User.objects.get(email=email) if email else None
    client = client_for(user)
    get_ok(client, path)
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, path)
    queries = list(captured.captured_queries)
    slowest = sorted(queries, key=lambda q: -float(q["time"]))
    for query in slowest[:15]:
        print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
    print(f"{len(queries)} queries, {sum(float(q['time']) for q in queries) * 1000:.1f} ms of SQL")
    for query in slowest[:explain]:
        # The logged SQL has its parameters inlined; a server-side cursor's DECLARE is stripped.
        sql = query["sql"].split(" FOR ", 1)[1] if query["sql"].startswith("DECLARE ") else query["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(f"\n--- {sql[:200]}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        get_ok(client, path)
    profiler.disable()
    forget_session(client)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
