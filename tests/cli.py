"""Running refkit as users do, for the CLI tests: a subprocess on a copy of the list."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOSED = "http://127.0.0.1:9"  # nothing listens there: lookups fail at once, as offline


def copy_list(dest: Path) -> Path:
    """A copy of the list (meta/ and refkit.lock) in `dest`, which a test may change."""
    shutil.copytree(ROOT / "meta", dest / "meta")
    shutil.copy(ROOT / "refkit.lock", dest / "refkit.lock")
    return dest


def refkit(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`refkit ARGS` in `cwd`; Crossref and arXiv unreachable, S2 and DBLP off, unless `env`
    points them elsewhere."""
    environ = {
        **os.environ,
        "REFKIT_CROSSREF_URL": CLOSED,
        "REFKIT_ARXIV_URL": CLOSED,
        "REFKIT_S2_URL": "off",  # S2 and DBLP not asked unless `env` names a server
        "REFKIT_DBLP_URL": "off",
        "REFKIT_OPENREVIEW_URL": CLOSED,  # landing pages (refkit add) unreachable unless given
        "REFKIT_PMLR_URL": CLOSED,
        "REFKIT_NEURIPS_URL": CLOSED,
        **env,
    }
    cmd = [sys.executable, "-m", "refkit", *args]
    return subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True, timeout=300)
