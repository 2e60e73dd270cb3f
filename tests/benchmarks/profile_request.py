"""Profile one request path in-process with pyinstrument: where a request's time goes, independent of the load on
the machine (the benchmark's throughput figures are not).

Usage (not part of the normal test run; needs a filled database, e.g. the benchmark's):

    PYTHONPATH=src .venv/bin/python tests/benchmarks/profile_request.py \\
        --database-url postgresql+asyncpg://root@127.0.0.1/bench --path /api/v1/dossiers/42 --token cm_… \\
        [--login EMAIL:PASSWORD | --cookie 'casemgmt_session=…'] [--htmx] [--requests 200] [--html var/profile.html]

It builds the app the way a worker does (``create_app``), sends the request a few times to warm up, then ``requests``
times under the profiler, and prints the mean time per request, the statements per request and pyinstrument's
tree (``--html`` also writes the interactive page).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from pathlib import Path


async def profile(args: argparse.Namespace) -> str:
    import httpx
    from pyinstrument import Profiler
    from sqlalchemy import event

    from casemgmt.app import create_app
    from casemgmt.db import create_engine
    from casemgmt.settings import Mode, Settings

    settings = Settings(database_url=args.database_url, mode=Mode.DEMO, secret_key="profile" * 8)
    app = create_app(settings, engine=create_engine(settings))
    if args.floor:
        from floor_app import register_floor  # beside this script

        register_floor(app)
    statements = {"n": 0}

    def count(*_args: object) -> None:
        statements["n"] += 1

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    headers = {}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if args.cookie:
        headers["Cookie"] = args.cookie
    if args.htmx:
        headers["HX-Request"] = "true"
    # The app runs on this event loop (not on a test client's portal thread), so the profiler sees its frames.
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        if args.login:
            email, _, password = args.login.partition(":")
            page = await client.get("/login")
            csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
            body = {"email": email, "password": password, "_csrf_token": csrf.group(1) if csrf else ""}
            await client.post("/login", data=body)
        for _ in range(10):
            response = await client.get(args.path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{args.path} answered {response.status_code}: {response.text[:300]}")
        # first without the profiler: this process's CPU time per request (the app's own Python work; the database
        # server's work is not in it), which the load on a shared machine hardly changes, unlike the wall time
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            await client.get(args.path, headers=headers)
        cpu = (time.process_time() - cpu_start) / args.requests * 1000
        wall = (time.perf_counter() - wall_start) / args.requests * 1000
        print(f"{args.path}: unprofiled {cpu:.2f} ms CPU per request in the app's process, {wall:.2f} ms wall")
        statements["n"] = 0
        profiler = Profiler(interval=0.0005, async_mode="enabled")
        start = time.perf_counter()
        with profiler:
            for _ in range(args.requests):
                await client.get(args.path, headers=headers)
        elapsed = time.perf_counter() - start
    print(
        f"{args.path}: {elapsed / args.requests * 1000:.2f} ms per request (profiled, in-process), "
        f"{statements['n'] / args.requests:.1f} statements per request, {len(response.content)} bytes"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total"))
    return profiler.output_html()


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would be profiled with the app
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--token", default=None)
    parser.add_argument("--cookie", default=None)
    parser.add_argument("--login", default=None, help="EMAIL:PASSWORD, for pages (a session of that employee)")
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--floor", action="store_true", help="also serve the floor (GET /api/v1/floor/{client_id})")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", default=None)
    args = parser.parse_args()
    html = asyncio.run(profile(args))
    if args.html:
        Path(args.html).write_text(html)


if __name__ == "__main__":
    main()
