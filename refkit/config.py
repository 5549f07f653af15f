"""Settings: an environment variable wins, then the user's config file, then the default.

The config file is TOML at `$REFKIT_CONFIG`, else `<user config dir>/refkit/config.toml`
(`~/.config/refkit/config.toml` on Linux):

    [crossref]
    mailto = "you@your-lab.org"
    [zotero]
    api_key = "..."        # refkit reads it; it never writes, prints or logs it
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

from .errors import InputError

# setting -> (environment variable, "table.key" in the config file)
SETTINGS = {
    "crossref_url": ("REFKIT_CROSSREF_URL", "crossref.url"),
    "mailto": ("REFKIT_MAILTO", "crossref.mailto"),
    "arxiv_url": ("REFKIT_ARXIV_URL", "arxiv.url"),
    "s2_url": ("REFKIT_S2_URL", "s2.url"),
    "s2_api_key": ("REFKIT_S2_API_KEY", "s2.api_key"),
    "dblp_url": ("REFKIT_DBLP_URL", "dblp.url"),
    "openreview_url": ("REFKIT_OPENREVIEW_URL", "openreview.url"),
    "pmlr_url": ("REFKIT_PMLR_URL", "pmlr.url"),
    "neurips_url": ("REFKIT_NEURIPS_URL", "neurips.url"),
    "export_published": ("REFKIT_PUBLISHED", "export.published"),
    "cache_dir": ("REFKIT_CACHE_DIR", "cache.dir"),
    "http_timeout": ("REFKIT_HTTP_TIMEOUT", "http.timeout"),
    "zotero_url": ("REFKIT_ZOTERO_URL", "zotero.url"),
    "zotero_api_key": ("ZOTERO_API_KEY", "zotero.api_key"),
    "zotero_state_dir": ("REFKIT_STATE_DIR", "zotero.state_dir"),
}


def path() -> Path:
    """Where the config file is (it need not exist)."""
    if os.environ.get("REFKIT_CONFIG"):
        return Path(os.environ["REFKIT_CONFIG"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("refkit")) / "config.toml"


def get(name: str) -> str | None:
    """A setting's value, or None when neither the environment nor the file sets it."""
    env, where = SETTINGS[name]
    if os.environ.get(env, "").strip():
        return os.environ[env].strip()
    table, key = where.split(".")
    value = _file(path()).get(table, {}).get(key)
    if value is None:
        return None
    return str(value).strip() or None


@functools.cache
def _file(location: Path) -> dict:
    try:
        data = tomllib.loads(location.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"{location}: not a readable TOML config file ({exc}); fix or remove it"
        ) from exc
    for table, value in data.items():
        if not isinstance(value, dict):
            raise InputError(
                f"{location}: `{table}` must be a table like [{table}]; see README, 'Configuration'"
            )
    return data
