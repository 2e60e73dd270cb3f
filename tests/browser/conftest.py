"""Browser tests: the app served by uvicorn on a free local port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from litestar import Litestar

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


HTMX_BUSY = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
"""True once no htmx request is in flight and no swap is settling (htmx marks each phase with a class)."""


async def settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait for the page and what htmx loads into it on load (badges, panels): the load event, then no htmx request
    in flight. Faster than Playwright's ``networkidle``, which always waits 500 ms of silence."""
    await page.wait_for_load_state("load")
    await page.wait_for_function(HTMX_BUSY)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def session_live_server(session_app: Litestar, live_socket: socket.socket, live_port: int) -> Iterator[str]:
    """The session's app served by uvicorn in a thread, started once (its engine has no pool, so uvicorn's event loop
    shares no connection with the tests'), on the port its ``CASEMGMT_BASE_URL`` names."""
    port = live_port
    server = uvicorn.Server(uvicorn.Config(session_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [live_socket]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live_server(app: Litestar, session_live_server: str) -> str:
    """The live server's address, on a database reset for this test (``app``)."""
    return session_live_server


@pytest.fixture
async def page(live_server: str) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(base_url=live_server, locale="nl-NL")
        page = await context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.console_errors = errors  # type: ignore[attr-defined]
        yield page
        await browser.close()
