"""The statistics libraries are loaded only when a figure is computed: a worker that only serves casework or an
export does not carry scipy and statsmodels (about 40 MB each process; issue 6's export memory budget)."""

from __future__ import annotations

import subprocess
import sys

STEPS = """
import sys
import casemgmt.app
casemgmt.app.page_route_handlers()
print(' '.join(sorted(sys.modules)))
from casemgmt.metrics import statistics
statistics.share(3, 10)
print(' '.join(sorted(sys.modules)))
"""


def test_the_app_starts_without_the_statistics_libraries_and_a_share_loads_statsmodels() -> None:
    """One fresh interpreter: the modules loaded after starting the app, then after computing one share."""
    out = subprocess.run([sys.executable, "-c", STEPS], capture_output=True, text=True, check=True).stdout
    after_app, after_share = ({name.split(".")[0] for name in line.split()} for line in out.splitlines()[-2:])
    assert not after_app & {"scipy", "statsmodels", "openpyxl"}
    assert "statsmodels" in after_share
