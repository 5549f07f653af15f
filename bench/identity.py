"""Precision and recall on issue #16's hard cases (tests/identity_cases.py: identity from URLs,
undated Crossref works, and their adversarial twins), with the request counts.

`python bench/identity.py` measures this checkout. To measure another version of refkit (the
code before #16), put its package first on the path: `python bench/identity.py /path/to/old`
(the directory holding its `refkit/`); the cases and the servers stay this checkout's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if len(sys.argv) > 1:
    sys.path.insert(0, sys.argv[1])

from refkit.enrich import Options, enrich  # noqa: E402
from refkit.normalize import load_items  # noqa: E402
from tests import identity_cases as hc  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result, counts = hc.run(Path(tmp), enrich, Options, load_items)
    scored = hc.score(result.lock)
    import refkit

    print(f"refkit from {Path(refkit.__file__).parent}")
    for rid, outcome, why in scored["rows"]:
        print(f"  {rid:<14} {outcome:<14} {why}")
    print(
        f"{len(hc.CASES)} cases: tp {scored['tp']}, fp {scored['fp']}, fn {scored['fn']}; "
        f"precision {scored['precision']:.3f}, recall {scored['recall']:.3f}"
    )
    counts.pop("urls", None)
    print(f"requests: {counts} for {len(hc.CASES)} records")


if __name__ == "__main__":
    main()
