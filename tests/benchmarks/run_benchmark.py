"""Benchmark casemgmt the way production serves it, against two limits: its own raw SQL and a bare endpoint.

Usage (not part of the normal test run):

    .venv/bin/python tests/benchmarks/run_benchmark.py \
        --database-url 'postgresql+asyncpg://root@127.0.0.1/bench_{size}' --size medium large \
        [--duration 10] [--concurrency 8] [--low-concurrency 1] [--scenarios NAME …]

Steps: migrate and fill the database (``casemgmt generate``) when it holds fewer dossiers than the size needs;
create a benchmark employee and token; serve the app with ``casemgmt run --workers 2`` (production mode); drive each
scenario with wrk at a fixed concurrency and read p50/p95/p99 and requests per second. For the raw-SQL limit it
captures the statements each scenario issues (in-process, through SQLAlchemy's cursor events) and replays them on
the driver directly at the same concurrency; for the bare limit it serves a one-route Litestar app the same way.
The report prints a table and writes JSON (``var/benchmark-<database>-<size>.json``) with the ratios page/raw-SQL
(p95), throughput/bare-endpoint and throughput/floor, and the workers' resident memory at the end. With both
``medium`` and ``large`` (one database each, ``{size}`` in the URL) every scenario at ``large`` is also compared with
``medium`` (target: within 1.2×); a single size is compared with the other size's earlier report when that file
exists (``--compare-with``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SIZES = {"small": 100, "medium": 2_000, "large": 20_000}
EMAIL = "benchmark@casemgmt.local"
PASSWORD = "benchmark-wachtwoord"
WARM_UP_SECONDS = 3
TIMEOUT = ("--timeout", "10s")


@dataclass
class Result:
    scenario: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    requests: int
    errors: int
    raw_p50_ms: float | None = None
    raw_p95_ms: float | None = None
    raw_p99_ms: float | None = None
    raw_rps: float | None = None
    queries: int | None = None
    floor_rps: float | None = None
    """The floor's throughput measured right before this scenario, at the same concurrency (interleaved)."""
    floor_p50_ms: float | None = None
    c1_p50_ms: float | None = None
    c1_rps: float | None = None
    c1_floor_p50_ms: float | None = None
    c1_floor_rps: float | None = None
    c1_raw_p50_ms: float | None = None

    @property
    def ratio_p95(self) -> float | None:
        return round(self.p95_ms / self.raw_p95_ms, 2) if self.raw_p95_ms else None

    @property
    def vs_floor(self) -> float | None:
        return round(self.rps / self.floor_rps, 3) if self.floor_rps else None

    @property
    def c1_vs_floor(self) -> float | None:
        return round(self.c1_rps / self.c1_floor_rps, 3) if self.c1_rps and self.c1_floor_rps else None

    @property
    def c1_over_raw_ms(self) -> float | None:
        """At c=1: how far the p50 lies above its own raw SQL's p50 (target: ≤ 5 ms)."""
        if self.c1_p50_ms is None or self.c1_raw_p50_ms is None:
            return None
        return round(self.c1_p50_ms - self.c1_raw_p50_ms, 1)


def casemgmt(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "casemgmt"), *args], env=env, input=stdin, text=True, capture_output=True, check=False
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def run_wrk(url: str, headers: dict[str, str], duration: int, concurrency: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".headers", delete=False) as handle:
        handle.write("\n".join(f"{k}: {v}" for k, v in headers.items()))
    env = {**os.environ, "BENCH_HEADERS": handle.name}
    script = str(Path(__file__).with_name("report.lua"))
    out = subprocess.run(
        ["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{duration}s", *TIMEOUT, "-s", script, url],
        env=env,
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    match = re.search(r"BENCH_JSON (\{.*\})", out)
    if not match:
        raise RuntimeError(f"wrk printed no report:\n{out}")
    return json.loads(match.group(1))


# -- data and identity ------------------------------------------------------------------------------------------


async def prepare(database_url: str, size: str) -> dict[str, Any]:
    """Make sure the data exists and find the objects the scenarios need."""
    from sqlalchemy import func, select

    from casemgmt.auth.models import User
    from casemgmt.clients.models import Client
    from casemgmt.contacts.models import Contact
    from casemgmt.db import create_engine
    from casemgmt.dossiers.models import Dossier
    from casemgmt.pilots.models import Pilot
    from casemgmt.settings import Mode, Settings

    settings = Settings(database_url=database_url, mode=Mode.TEST, secret_key="bench")
    engine = create_engine(settings)
    async with engine.connect() as conn:
        dossiers = await conn.scalar(select(func.count()).select_from(Dossier))
    if (dossiers or 0) < SIZES[size]:
        await engine.dispose()
        env = {**os.environ, "CASEMGMT_DATABASE_URL": database_url}
        print(f"generating a {size} municipality …", file=sys.stderr)
        command = [str(BIN / "casemgmt"), "generate", "--size", size]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True)
        engine = create_engine(settings)
    async with engine.connect() as conn:
        per_dossier = (
            select(Contact.dossier_id, func.count().label("n"))
            .where(Contact.dossier_id.is_not(None))
            .group_by(Contact.dossier_id)
            .subquery()
        )
        row = (
            await conn.execute(
                select(per_dossier.c.dossier_id, per_dossier.c.n).order_by(func.abs(per_dossier.c.n - 200)).limit(1)
            )
        ).first()
        client_id = await conn.scalar(select(Dossier.client_id).where(Dossier.id == row[0]))
        bsn = await conn.scalar(select(Client.bsn).where(Client.bsn.is_not(None)).limit(1))
        name = await conn.scalar(select(Client.name).where(Client.kind == "person").limit(1))
        slug = await conn.scalar(select(Pilot.slug).limit(1))
        busiest = (
            select(Dossier.casemanager_id, func.count().label("n"))
            .where(Dossier.status != "closed", Dossier.casemanager_id.is_not(None))
            .group_by(Dossier.casemanager_id)
            .order_by(func.count().desc(), Dossier.casemanager_id)
            .limit(1)
            .subquery()
        )
        casemanager = (
            await conn.execute(select(User.email, busiest.c.n).join(busiest, User.id == busiest.c.casemanager_id))
        ).first()
    await engine.dispose()
    return {
        "dossier_id": row[0],
        "client_id": client_id,
        "timeline_entries": row[1],
        "bsn": bsn,
        "name_prefix": (name or "a")[:4],
        "pilot": slug,
        "casemanager": casemanager[0],
        "casemanager_open_dossiers": casemanager[1],
    }


def identity(env: dict[str, str]) -> str:
    """A benchmark employee holding every role, and a token for the API scenarios."""
    casemgmt(env, "services", "load")
    casemgmt(
        env,
        "users",
        "create",
        "--email",
        EMAIL,
        "--name",
        "Benchmark",
        "--role",
        "admin",
        "--role",
        "casemanager",
        "--role",
        "kcc_agent",
        "--role",
        "evaluator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    result = casemgmt(env, "tokens", "create", "--email", EMAIL, "--name", "benchmark")
    return result.stdout.strip().splitlines()[-1]


def casemanager_identity(env: dict[str, str], email: str) -> None:
    """The generated casemanager with the most open dossiers gets the benchmark password: the worklist scenario is
    theirs (the benchmark employee has no caseload of its own)."""
    result = casemgmt(
        env, "users", "set-password", "--email", email, "--activate", "--password-stdin", stdin=PASSWORD + "\n"
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)


def session_cookie(base: str, email: str = EMAIL) -> str:
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "_csrf_token": token}).encode()
    opener.open(f"{base}/login", data=body)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def scenarios(ctx: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """name → (path, auth kind): "api" (bearer token), "page" or "fragment" (the benchmark employee's session) or
    "casemanager" (the busiest casemanager's session)."""
    from urllib.parse import quote

    d, c, slug = ctx["dossier_id"], ctx["client_id"], ctx["pilot"]
    return {
        "dossier API": (f"/api/v1/dossiers/{d}", "api"),
        "client API": (f"/api/v1/clients/{c}", "api"),
        "timeline API (100)": (f"/api/v1/dossiers/{d}/timeline?limit=100", "api"),
        "Klantbeeld": (f"/klanten/{c}", "page"),
        "dossier page": (f"/dossiers/{d}", "page"),
        "timeline fragment": (f"/dossiers/{d}/tijdlijn", "fragment"),
        "KCC search by BSN": (f"/klanten/zoeken?q={quote(ctx['bsn'])}", "fragment"),
        "search by name": (f"/klanten/zoeken?q={quote(ctx['name_prefix'])}", "fragment"),
        "worklist": ("/werkvoorraad", "casemanager"),
        "pilot metrics API": (f"/api/v1/pilots/{slug}/metrics", "api"),
        "pilot dashboard": (f"/pilots/{slug}", "page"),
        "survey metrics API": ("/api/v1/metrics/survey", "api"),
        "trends API (year)": ("/api/v1/trends", "api"),
        "Trends page (year)": ("/trends", "page"),
    }


# -- the raw-SQL limit -------------------------------------------------------------------------------------------


async def capture_sql(database_url: str, path: str, auth: str, token: str, email: str) -> list[tuple[str, Any]]:
    """The statements one request of the scenario issues, captured in-process."""
    from litestar.testing import AsyncTestClient
    from sqlalchemy import event
    from sqlalchemy.pool import NullPool

    from casemgmt.app import create_app
    from casemgmt.db import create_engine
    from casemgmt.settings import Mode, Settings

    settings = Settings(database_url=database_url, mode=Mode.TEST, secret_key="bench")
    # No pool: the test client runs the app on its own event loop, where pooled connections could not be closed later.
    app = create_app(settings, engine=create_engine(settings, poolclass=NullPool))
    captured: list[tuple[str, Any]] = []
    recording = {"on": False}

    def record(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if recording["on"]:
            captured.append((statement, parameters))

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
    async with AsyncTestClient(app=app) as client:
        headers: dict[str, str] = {}
        if auth == "api":
            headers["Authorization"] = f"Bearer {token}"
        else:
            page = await client.get("/login")
            csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": csrf})
            if auth == "fragment":
                headers["HX-Request"] = "true"
        recording["on"] = True
        response = await client.get(path, headers=headers)
        recording["on"] = False
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    await app.state.engine.dispose()
    # Leave out the session and audit writes: they are the app's own work, not the page's reads. Keep the SET that
    # makes the metrics queries plan for their parameter values, so the replay plans them the way the app does.
    return [(s, p) for s, p in captured if s.lstrip().upper().startswith(("SELECT", "WITH", "SET LOCAL"))]


async def replay(
    database_url: str, statements: list[tuple[str, Any]], duration: int, concurrency: int
) -> dict[str, float]:
    """Run the captured statements directly on the driver, `concurrency` at a time, for `duration` seconds."""
    latencies: list[float] = []
    deadline = time.monotonic() + duration
    if database_url.startswith("postgresql"):
        import asyncpg

        dsn = database_url.replace("postgresql+asyncpg", "postgresql")
        # the app's connection settings (casemgmt.db.create_engine: no JIT), so the replay runs what the app runs
        pool = await asyncpg.create_pool(
            dsn, min_size=concurrency, max_size=concurrency, server_settings={"jit": "off"}
        )

        async def worker() -> None:
            async with pool.acquire() as conn:
                while time.monotonic() < deadline:
                    start = time.perf_counter()
                    async with conn.transaction():  # one transaction per request, as in the app
                        for statement, params in statements:
                            await conn.fetch(statement, *(params or ()))
                    latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await pool.close()
    else:
        import sqlite3

        path = database_url.split("///", 1)[1]

        def work() -> None:
            conn = sqlite3.connect(path, check_same_thread=False)
            while time.monotonic() < deadline:
                start = time.perf_counter()
                for statement, params in statements:
                    conn.execute(statement, params or ()).fetchall()
                latencies.append(time.perf_counter() - start)
            conn.close()

        await asyncio.gather(*(asyncio.to_thread(work) for _ in range(concurrency)))
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "rps": len(latencies) / duration,
    }


# -- the run -----------------------------------------------------------------------------------------------------


def floor_command(port: int) -> list[str]:
    """uvicorn serving the floor (``floor_app.py``) with the options ``casemgmt run`` passes to uvicorn."""
    from casemgmt.cli.commands import server_options
    from casemgmt.settings import Settings

    options = server_options(Settings())
    argv = [str(BIN / "uvicorn"), "tests.benchmarks.floor_app:create_floor_app", "--factory", "--workers", "2"]
    argv += ["--port", str(port), "--loop", options["loop"], "--http", options["http"]]
    argv += ["--log-level", options["log_level"], *([] if options["access_log"] else ["--no-access-log"])]
    return argv


def serve(argv: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours = "casemgmt" in argv[0] or any("floor_app" in arg for arg in argv)
    wait_for(f"http://127.0.0.1:{port}/health" if ours else f"http://127.0.0.1:{port}/")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", required=True, help="one database per size: '{size}' in it is replaced by the size's name"
    )
    parser.add_argument("--size", choices=sorted(SIZES), nargs="+", default=["medium"])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--low-concurrency", type=int, default=1, help="second level, for latency against raw SQL (default 1)"
    )
    parser.add_argument("--scenarios", nargs="*", default=None, help="only scenarios whose name contains one of these")
    parser.add_argument("--output", type=Path, default=None, help="the report of a single size")
    parser.add_argument("--compare-with", type=Path, default=None, help="a single size: the other size's report")
    args = parser.parse_args()
    if len(args.size) > 1 and "{size}" not in args.database_url:
        parser.error("several sizes need '{size}' in --database-url (one database per size)")
    kind = args.database_url.split("+", 1)[0].split(":", 1)[0]
    reports = []
    for size in args.size:
        database_url = args.database_url.replace("{size}", size)
        report = measure(args, size, database_url)
        output = (args.output if len(args.size) == 1 else None) or ROOT / "var" / f"benchmark-{kind}-{size}.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2))
        print_report(report, args)
        print(f"\nreport written to {output}")
        reports.append(report)
    if len(reports) == 1:
        other_size = "large" if args.size[0] != "large" else "medium"
        other_path = args.compare_with or ROOT / "var" / f"benchmark-{kind}-{other_size}.json"
        if other_path.exists():
            reports.append(json.loads(other_path.read_text()))
    by_size = {report["size"]: report for report in reports}
    if "medium" in by_size and "large" in by_size:
        print_growth(compare_sizes(by_size["medium"], by_size["large"]))


def measure(args: argparse.Namespace, size: str, database_url: str) -> dict[str, Any]:
    """Every scenario at one size: the report (also written as JSON by ``main``)."""
    env = {
        **os.environ,
        "CASEMGMT_DATABASE_URL": database_url,
        # demo mode differs from production only in not marking cookies Secure: the benchmark speaks plain HTTP.
        "CASEMGMT_MODE": "demo",
        "CASEMGMT_SECRET_KEY": secrets.token_hex(32),
        # this checkout's code, also when the virtualenv's console scripts were installed from another one
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    casemgmt(env, "database", "upgrade")
    ctx = asyncio.run(prepare(database_url, size))
    token = identity(env)
    casemanager_identity(env, ctx["casemanager"])

    bare_port = free_port()
    bare = serve(
        [
            str(BIN / "uvicorn"),
            "tests.benchmarks.bare_app:app",
            "--port",
            str(bare_port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        {**env, "PYTHONPATH": str(ROOT)},
        bare_port,
    )
    try:
        bare_result = run_wrk(f"http://127.0.0.1:{bare_port}/", {}, args.duration, args.concurrency)
    finally:
        bare.terminate()
        bare.wait()

    port, floor_port = free_port(), free_port()
    app = serve([str(BIN / "casemgmt"), "run", "--port", str(port), "--workers", "2"], env, port)
    try:
        floor_env = {**env, "PYTHONPATH": f"{ROOT}{os.pathsep}{env['PYTHONPATH']}"}
        floor = serve(floor_command(floor_port), floor_env, floor_port)
    except RuntimeError:
        app.terminate()
        raise
    results: list[Result] = []
    levels = [args.concurrency] + ([args.low_concurrency] if args.low_concurrency != args.concurrency else [])
    try:
        base = f"http://127.0.0.1:{port}"
        floor_url = f"http://127.0.0.1:{floor_port}/api/v1/floor/{ctx['client_id']}"
        api_headers = {"Authorization": f"Bearer {token}"}
        run_wrk(floor_url, api_headers, WARM_UP_SECONDS, args.concurrency)
        cookies = {"benchmark": session_cookie(base), "casemanager": session_cookie(base, ctx["casemanager"])}
        for name, (path, auth) in scenarios(ctx).items():
            if args.scenarios and not any(wanted.lower() in name.lower() for wanted in args.scenarios):
                continue
            who = "casemanager" if auth == "casemanager" else "benchmark"
            headers = dict(api_headers) if auth == "api" else {"Cookie": cookies[who]}
            if auth == "fragment":
                headers["HX-Request"] = "true"
            email = ctx["casemanager"] if who == "casemanager" else EMAIL
            statements = asyncio.run(capture_sql(database_url, path, auth, token, email))
            figures: dict[int, dict[str, Any]] = {}
            for level in levels:
                # Warm up first (templates compiled, statistics libraries imported, prepared statements cached): the
                # report is about the steady state, not a worker's first requests. The floor runs right before the
                # scenario at the same concurrency, so their ratio sees the same load on this shared machine.
                run_wrk(base + path, headers, WARM_UP_SECONDS, level)
                floor_figures = run_wrk(floor_url, api_headers, args.duration, level)
                measured = run_wrk(base + path, headers, args.duration, level)
                raw = asyncio.run(replay(database_url, statements, args.duration, level))
                figures[level] = {"floor": floor_figures, "measured": measured, "raw": raw}
            high = figures[args.concurrency]
            low = figures[levels[-1]] if len(levels) > 1 else None
            measured, raw = high["measured"], high["raw"]
            results.append(
                Result(
                    scenario=name,
                    p50_ms=measured["p50_ms"],
                    p95_ms=measured["p95_ms"],
                    p99_ms=measured["p99_ms"],
                    rps=measured["rps"],
                    requests=measured["requests"],
                    errors=measured["errors"] + measured["non_2xx"],
                    raw_p50_ms=raw["p50_ms"],
                    raw_p95_ms=raw["p95_ms"],
                    raw_p99_ms=raw["p99_ms"],
                    raw_rps=raw["rps"],
                    queries=sum(1 for statement, _ in statements if not statement.lstrip().upper().startswith("SET")),
                    floor_rps=high["floor"]["rps"],
                    floor_p50_ms=high["floor"]["p50_ms"],
                    c1_p50_ms=low["measured"]["p50_ms"] if low else None,
                    c1_rps=low["measured"]["rps"] if low else None,
                    c1_floor_p50_ms=low["floor"]["p50_ms"] if low else None,
                    c1_floor_rps=low["floor"]["rps"] if low else None,
                    c1_raw_p50_ms=low["raw"]["p50_ms"] if low else None,
                )
            )
        worker_rss_mb = workers_rss_mb(app.pid)
    finally:
        for process in (app, floor):
            process.terminate()
            process.wait()

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database_url.split("://", 1)[0],
        "size": size,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "concurrency": args.concurrency,
        "low_concurrency": args.low_concurrency,
        "load_average_at_end": os.getloadavg(),
        "duration_s": args.duration,
        "dossier_timeline_entries": ctx["timeline_entries"],
        "worklist_open_dossiers": ctx["casemanager_open_dossiers"],
        "worker_rss_mb": worker_rss_mb,
        "bare_endpoint": bare_result,
        "scenarios": [
            {
                **asdict(r),
                "ratio_p95_to_raw_sql": r.ratio_p95,
                "throughput_vs_bare": round(r.rps / bare_result["rps"], 3),
                "throughput_vs_floor": r.vs_floor,
                "low_concurrency_throughput_vs_floor": r.c1_vs_floor,
                "low_concurrency_p50_over_raw_sql_ms": r.c1_over_raw_ms,
            }
            for r in results
        ],
    }


def workers_rss_mb(server_pid: int) -> list[float]:
    """The resident memory of the server's worker processes (its children), in MB, read from /proc at the end of
    the run (Linux only; empty elsewhere)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(server_pid) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def print_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    bare_rps = f"{report['bare_endpoint']['rps']:.0f}"
    print(f"\n## {report['size']}, {report['date']}, load average at the end {report['load_average_at_end']}")
    print(f"worker RSS (MB): {report['worker_rss_mb']}")
    print(
        f"| scenario | p50 ms | p95 ms | p99 ms | req/s | queries | raw p95 ms | p95/raw | req/s vs bare ({bare_rps}) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in report["scenarios"]:
        print(
            f"| {row['scenario']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['rps']:.0f} "
            f"| {row['queries']} | {row['raw_p95_ms']:.2f} | {row['ratio_p95_to_raw_sql']} "
            f"| {row['throughput_vs_bare']:.1%} |"
        )
    low = args.low_concurrency
    print(
        f"\n| scenario | req/s c={args.concurrency} | floor req/s | vs floor | p50 ms c={low} | raw SQL p50 ms c={low} "
        f"| p50 − raw ms | floor p50 ms c={low} | vs floor c={low} |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in report["scenarios"]:
        print(
            f"| {row['scenario']} | {row['rps']:.0f} | {row['floor_rps']:.0f} | {row['throughput_vs_floor']:.1%} "
            f"| {fmt(row['c1_p50_ms'])} | {fmt(row['c1_raw_p50_ms'])} "
            f"| {fmt(row['low_concurrency_p50_over_raw_sql_ms'])} "
            f"| {fmt(row['c1_floor_p50_ms'])} | {fmt(row['low_concurrency_throughput_vs_floor'], '.1%')} |"
        )


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


def compare_sizes(medium: dict[str, Any], large: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scenario measured at both sizes: how much slower ``large`` is (target: within 1.2×) in throughput at the
    high concurrency, in p50 at the low one, and in its share of the floor."""

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 2) if a and b else None

    theirs = {row["scenario"]: row for row in medium.get("scenarios", [])}
    rows = []
    for row in large.get("scenarios", []):
        other = theirs.get(row["scenario"])
        if other is None:
            continue
        rows.append(
            {
                "scenario": row["scenario"],
                "medium_date": medium.get("date"),
                "large_date": large.get("date"),
                "rps_medium_over_large": ratio(other["rps"], row["rps"]),
                "c1_p50_large_over_medium": ratio(row.get("c1_p50_ms"), other.get("c1_p50_ms")),
                "vs_floor_medium_over_large": ratio(other.get("throughput_vs_floor"), row.get("throughput_vs_floor")),
            }
        )
    return rows


def print_growth(rows: list[dict[str, Any]]) -> None:
    print("\n| scenario | req/s medium ÷ large | p50 c=1 large ÷ medium | vs floor medium ÷ large |")
    print("|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['scenario']} | {fmt(row['rps_medium_over_large'], '.2f')} "
            f"| {fmt(row['c1_p50_large_over_medium'], '.2f')} | {fmt(row['vs_floor_medium_over_large'], '.2f')} |"
        )


if __name__ == "__main__":
    main()
