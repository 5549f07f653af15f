"""refkit's errors: each says what is wrong, where, and what to do. Only cli.py prints them."""

from __future__ import annotations


class RefkitError(Exception):
    """A problem the user can fix; `str()` is the one-line message, `exit_code` the CLI's exit."""

    exit_code = 2


class InputError(RefkitError):
    """A record, the list directory or a command-line value is wrong."""


class RecordErrors(InputError):
    """Several bad records found in one run; `problems` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class OutputError(RefkitError):
    """An output file or directory cannot be written."""


class StaleExports(RefkitError):
    """`export --all --check`: generated files differ from what the records produce."""

    exit_code = 1


class NetworkError(RefkitError):
    """A remote service refused or failed in a way retrying will not fix (403, bad key)."""


class ZoteroError(RefkitError):
    """The Zotero library cannot be synced (no write access, wrong library, bad key)."""
