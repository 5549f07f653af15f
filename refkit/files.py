"""Writing output files safely: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: never a half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a web server must read the page
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc}); check the path and its permissions"
        ) from exc


def write_new(path: Path, text: str) -> bool:
    """Write `text` to a new file `path`, whole or not at all; False (nothing written) when
    `path` exists. Never overwrites: the file is linked into place, which fails if it exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            os.chmod(tmp, 0o666 & ~_umask())
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.link(tmp, path)
        finally:
            os.unlink(tmp)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc}); check the path and its permissions"
        ) from exc
    return True
