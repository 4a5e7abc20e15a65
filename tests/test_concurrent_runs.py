"""What many sessions running at once in one server process need from the app's modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORTS = """
import sys
import app.charts
print('pandas' in sys.modules and hasattr(sys.modules['pandas'], 'Series'))
"""


def test_pandas_is_imported_whole_with_the_charts():
    """Plotly takes pandas from sys.modules when it is there: imported by a session's run while
    another builds a figure, the half-imported module failed that figure (50 sessions on one server)."""
    done = subprocess.run([sys.executable, "-c", IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
