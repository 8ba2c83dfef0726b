"""4. Throughput under gunicorn, driven by wrk or by the Python load driver (`run_bench.py --load-driver`)."""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from bench.client import session_for, session_store
from bench.common import ENTRY, HOST, ROOT, STATE_DIR
from bench.subjects import holders


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, cookie: str = "", timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load_driver(
    port: int, path: str, *, seconds: float, concurrency: int, max_requests: int, cookie: str, targets=None
) -> dict:
    """Threads sending GET requests for `seconds` or `max_requests`, whichever ends first; with `targets` (a
    list of (path, cookie)), each request takes the next one in turn: several users and pages, not one cache
    entry."""
    targets = targets or [(path, cookie)]
    lock = threading.Lock()
    counts = {"ok": 0, "other": 0, "errors": 0}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    issued = [0]

    def worker():
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() >= deadline:
                    return
                target_path, target_cookie = targets[issued[0] % len(targets)]
                issued[0] += 1
            started = time.perf_counter()
            try:
                status, _body = http_get(port, target_path, target_cookie)
            except OSError:
                with lock:
                    counts["errors"] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                counts["ok" if status == 200 else "other"] += 1
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    duration = time.perf_counter() - started
    return {
        "rps": round(counts["ok"] / duration, 1),
        "requests": counts["ok"],
        "non_200": counts["other"],
        "errors": counts["errors"],
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "seconds": round(duration, 1),
    }


def run_load(port: int, path: str, *, seconds: int, concurrency: int, cookie: str = "", targets=None) -> dict:
    """Drive the server from another process: wrk when installed (one URL), else this script's Python driver
    (which also takes several `targets`, (path, cookie) pairs sent in turn)."""
    url = f"http://{HOST}:{port}{path}"
    wrk = shutil.which("wrk")
    if targets and len(targets) > 1:
        targets_file = STATE_DIR / f"targets-{port}.json"
        targets_file.write_text(json.dumps(targets))
        command = [sys.executable, str(ENTRY), "--load-driver", url, "--seconds", str(seconds)]
        command += ["--concurrency", str(concurrency), "--targets", str(targets_file)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
        return json.loads(completed.stdout.strip().splitlines()[-1]) | {"driver": "python", "urls": len(targets)}
    if wrk:
        command = [wrk, "-t2", f"-c{concurrency}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        completed = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60, check=True)
        return parse_wrk(completed.stdout) | {"driver": "wrk"}
    command = [sys.executable, str(ENTRY), "--load-driver", url, "--seconds", str(seconds)]
    command += ["--concurrency", str(concurrency), "--cookie", cookie]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1]) | {"driver": "python"}


def duration_ms(text: str) -> float:
    """wrk's durations: 850.00us, 12.31ms, 1.02s, 1.50m."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text) * 1000


def parse_wrk(output: str) -> dict:
    result = {"non_200": 0, "errors": 0, "p50_ms": None}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            result["non_200"] = int(line.split()[-1])
        elif line.startswith("Socket errors:"):
            result["errors"] = sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
        elif line.startswith("50%"):
            result["p50_ms"] = round(duration_ms(line.split()[1]), 1)
        elif "requests in" in line:
            result["requests"] = int(line.split()[0])
    if "rps" not in result:
        raise RuntimeError(f"Could not read wrk's output:\n{output}")
    return result


HOLDERS_UNDER_LOAD = 20  # holders whose spaces are requested in turn
SHOWCASE_PAGES = 10  # showcase pages requested in turn (pages 1-5, and by year and theme)


def load_targets() -> tuple[list, list, list[str]]:
    """(holder targets, showcase targets, session keys to delete): several users and pages in turn."""
    from django.conf import settings

    from funds.models import Fund, Theme

    sessions = []
    holder_targets = []
    for user, _count in holders(HOLDERS_UNDER_LOAD):
        sessions.append(session_for(user))
        holder_targets.append(["/mes-demandes/", f"{settings.SESSION_COOKIE_NAME}={sessions[-1]}"])
    years = sorted(set(Fund.objects.filter(is_published=True).values_list("year", flat=True)))
    showcase = [f"/projets/?page={n}" for n in range(1, 6)] + [f"/projets/?year={year}" for year in years]
    showcase += [f"/projets/?theme={pk}" for pk in Theme.objects.order_by("pk").values_list("pk", flat=True)]
    return holder_targets, [[path, ""] for path in showcase[:SHOWCASE_PAGES]], sessions


def throughput(*, seconds: int, concurrency: int, workers: int) -> dict:
    """gunicorn with 2 workers on a free port of 127.0.0.1, caches off (the headline), then on: the bare view,
    the holders' spaces (20 holders in turn) and the showcase (10 pages in turn)."""
    holder_targets, showcase_targets, sessions = load_targets()
    results: dict = {"workers": workers, "concurrency": concurrency, "seconds": seconds}
    results["holders"], results["showcase_pages"] = len(holder_targets), len(showcase_targets)
    try:
        for mode, cache_seconds in (("uncached", "0"), ("cached", "300")):
            env = os.environ | {
                "PORTAL_PUBLIC_PAGE_CACHE_SECONDS": cache_seconds,
                "PORTAL_PERSONAL_PAGE_CACHE_SECONDS": cache_seconds,
            }
            results[mode] = _serve_and_load(env, holder_targets, showcase_targets, seconds, concurrency, workers)
    finally:
        for key in sessions:
            session_store()(session_key=key).delete()
    return results


def _serve_and_load(env, holder_targets, showcase_targets, seconds, concurrency, workers) -> dict:
    port = free_port()
    log_path = STATE_DIR / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "bench.wsgi:application", "--workers", str(workers)]
    command += ["--bind", f"{HOST}:{port}", "--log-level", "warning", "--timeout", "60", "--chdir", str(ROOT)]
    results: dict = {}
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            wait_for_server(server, port, log_path)
            status, _body = http_get(port, *holder_targets[0])
            if status != 200:
                raise RuntimeError(f"The holder's session cookie was refused (HTTP {status})")
            runs = [
                ("bare", [["/bench/bare/", ""]]),
                ("holder", holder_targets),
                ("showcase", showcase_targets),
                ("bare_again", [["/bench/bare/", ""]]),
            ]
            for key, targets in runs:
                path, cookie = targets[0]
                run_load(port, path, seconds=2, concurrency=concurrency, cookie=cookie, targets=targets)  # warm-up
                results[key] = run_load(
                    port, path, seconds=seconds, concurrency=concurrency, cookie=cookie, targets=targets
                )
                results[key]["path"] = path if len(targets) == 1 else f"{path} ({len(targets)} URLs or users)"
                print(f"  {env['PORTAL_PUBLIC_PAGE_CACHE_SECONDS']} s cache, {path}: {results[key]['rps']} req/s")
        finally:
            stop_process_group(server)
    bare = statistics.mean([results["bare"]["rps"], results["bare_again"]["rps"]])
    results["bare_rps"] = round(bare, 1)
    results["holder_ratio"] = results["holder"]["rps"] / bare
    results["showcase_ratio"] = results["showcase"]["rps"] / bare
    return results


def wait_for_server(server: subprocess.Popen, port: int, log_path) -> None:
    """Until the bare view answers (60 s at most, or until the server stops)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if http_get(port, "/bench/bare/", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError(f"gunicorn did not start: see {log_path}")
        time.sleep(0.3)


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group we started (gunicorn's master and its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
