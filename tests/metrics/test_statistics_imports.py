"""The statistics libraries are loaded only when a figure is computed: a worker that only serves casework or an
export does not carry scipy and statsmodels (about 40 MB each process; issue 6's export memory budget)."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_the_app_starts_without_scipy_statsmodels_or_openpyxl() -> None:
    loaded = _modules_after("import casemgmt.app\ncasemgmt.app.page_route_handlers()")
    assert not loaded & {"scipy", "statsmodels", "openpyxl"}


def test_computing_a_share_loads_statsmodels() -> None:
    loaded = _modules_after("from casemgmt.metrics import statistics\nstatistics.share(3, 10)")
    assert "statsmodels" in loaded
