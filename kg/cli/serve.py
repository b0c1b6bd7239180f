"""``kg serve``: the HTTP service of a release (SPARQL, named queries, REST, Linked Data).

Every field of :class:`kg.api.settings.Settings` is an option, made from the field itself
(name, type, default, description), so the options, their ``DMKG_*`` variables and the
documented limits can not drift apart. The credentials of a remote store are the exception:
they are read from a variable, never from the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from kg.cli.helptext import command

__all__ = ["SECRET_FIELDS", "add_commands", "add_settings_options", "settings"]

SECRET_FIELDS: Final = frozenset({"store_auth"})
"""Settings that are never options (a password on the command line shows in ``ps``)."""


def _kind(annotation: Any) -> type:
    """The argparse type of a settings field (``Path | None`` -> ``Path``)."""
    for kind in (bool, int, float, Path):
        if annotation is kind or kind in getattr(annotation, "__args__", ()):
            return kind
    return str


_METAVARS: Final = {"host": "ADDRESS", "store": "URL", "base_url": "URL", "store_auth_env": "VAR"}


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000:
        return f"{value:,}"
    return str(value)


def _help(name: str, description: str, default: object) -> str:
    env = f"env DMKG_{name.upper()}"
    if default is not None:
        return f"{description} (default: {_shown(default)}; {env})"
    if description.endswith(")"):  # "(default: ...)" said by the description itself
        return f"{description[:-1]}; {env})"
    return f"{description} ({env})"


def add_settings_options(parser: argparse.ArgumentParser, names: Iterable[str]) -> None:
    """One option per settings field named (``max_rows`` -> ``--max-rows``), with the field's
    description, default and variable as help; unset options leave the field to ``DMKG_*``."""
    from kg.api.settings import Settings

    for name in names:
        info = Settings.model_fields[name]
        kind = _kind(info.annotation)
        metavar = _METAVARS.get(name) or {int: "N", float: "SECONDS", Path: "DIR"}.get(kind, "X")
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=kind,
            metavar=metavar,
            help=_help(name, info.description or name.replace("_", " "), info.default),
        )


def settings(args: argparse.Namespace) -> Any:
    """The service settings: defaults, ``DMKG_*`` variables, then the options given."""
    from kg.api.settings import Settings

    given = {
        n: getattr(args, n) for n in Settings.model_fields if getattr(args, n, None) is not None
    }
    return Settings(**given)


def _cmd_serve(args: argparse.Namespace) -> int:
    from kg.api.app import serve

    serve(settings(args))
    return 0


def add_commands(sub: Any) -> None:
    from kg.api.settings import Settings

    s = command(
        sub, "serve", "serve the release over HTTP (SPARQL, named queries, REST, Linked Data)",
        """\
Checks the release against its manifest, loads it once into a pyoxigraph store under
.cache/store (later starts open it read-only in about a second) and serves it read-only:
/sparql (SPARQL 1.1 Protocol), /queries, REST JSON, Linked Data pages, /void, /dump. Queries
run in worker processes killed at the time limit. Binds 127.0.0.1 unless --host says
otherwise. Every limit below is also a DMKG_* variable; an option given wins.""",
        ["kg serve", "kg serve --port 8765 --release /tmp/dist --query-timeout 30",
         "DMKG_MAX_ROWS=50000 kg serve",
         "kg serve --release dist --store http://127.0.0.1:7878/query"],
    )  # fmt: skip
    add_settings_options(s, [n for n in Settings.model_fields if n not in SECRET_FIELDS])
    s.set_defaults(func=_cmd_serve)
