"""`refkit sync zotero` as maintainers run it: a subprocess against the local Zotero server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli import copy_list, refkit
from tests.servers.zotero import ZoteroServer

KEY = "K" * 24
GID = 4242
LIB = f"groups/{GID}"


def run(
    zs: ZoteroServer, tmp_path: Path, *args: str, key: str = KEY
) -> subprocess.CompletedProcess[str]:
    if not (tmp_path / "meta").exists():  # a copy: sync pins lookups in the list's lock
        copy_list(tmp_path)
    return refkit(
        tmp_path,
        *(
            "sync",
            "zotero",
            "--meta",
            str(tmp_path / "meta"),
            "--state-dir",
            str(tmp_path / "state"),
        ),
        *args,
        ZOTERO_API_KEY=key,
        REFKIT_ZOTERO_URL=zs.url,
        REFKIT_CACHE_DIR=str(tmp_path / "cache"),
    )


@pytest.fixture
def zs() -> ZoteroServer:
    with ZoteroServer(retry_after=0) as server:
        server.add_group(GID)
        server.add_key(KEY, user_id=7, libraries={LIB: "write"})
        server.add_key("R" * 24, user_id=7, libraries={LIB: "read"})
        yield server


def test_first_sync_then_unchanged_resync_from_the_command_line(
    zs: ZoteroServer, tmp_path: Path
) -> None:
    dry = run(zs, tmp_path, "--group", str(GID), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert zs.writes == 0
    assert "create" in dry.stdout
    first = run(zs, tmp_path, "--group", str(GID))
    assert first.returncode == 0, first.stderr
    assert "124 created" in first.stderr
    regular = [
        it for it in zs.library(LIB).items.values() if it["itemType"] not in ("attachment", "note")
    ]
    assert len(regular) == 124
    writes = zs.writes
    again = run(zs, tmp_path, "--group", str(GID))
    assert again.returncode == 0, again.stderr
    assert "124 unchanged" in again.stderr and zs.writes == writes
    assert KEY not in first.stdout + first.stderr + again.stdout + again.stderr
    assert all(KEY not in p.read_text() for p in (tmp_path / "state").rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("args", "key", "expected"),
    [
        pytest.param(("--group", str(GID)), "R" * 24, "may read but not write", id="read-only-key"),
        pytest.param(("--group", "999"), KEY, "no access to groups/999", id="wrong-group"),
        pytest.param((), KEY, "give exactly one of --group ID or --user ID", id="no-library"),
        pytest.param(("--group", str(GID)), "", "set ZOTERO_API_KEY", id="no-key"),
    ],
)
def test_bad_setup_is_a_clear_error_before_any_write(
    zs: ZoteroServer, tmp_path: Path, args: tuple[str, ...], key: str, expected: str
) -> None:
    out = run(zs, tmp_path, *args, key=key)
    assert out.returncode != 0
    assert expected in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert zs.writes == 0
