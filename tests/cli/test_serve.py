"""``kg serve``: every documented setting is an option, with its default shown, and reaches
the service settings."""

from __future__ import annotations

import argparse
import re

from kg.api.settings import Settings
from kg.cli import parser
from kg.cli.serve import SECRET_FIELDS, settings
from tests.support import ROOT


def _serve() -> argparse.ArgumentParser:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    serve: argparse.ArgumentParser = sub.choices["serve"]
    return serve


def test_every_setting_is_an_option_with_its_default_and_variable() -> None:
    options = {a.dest: a for a in _serve()._actions if a.option_strings}
    for name, field in Settings.model_fields.items():
        if name in SECRET_FIELDS:
            assert name not in options, "a secret is never a command-line option"
            continue
        action = options[name]
        assert action.option_strings == ["--" + name.replace("_", "-")]
        assert action.help and f"env DMKG_{name.upper()}" in action.help
        if field.default is not None:
            assert "(default: " in action.help, name


def test_the_documented_limits_are_all_options() -> None:
    """Every setting in the README's limits table is a ``kg serve`` option."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Limits and defaults", 1)[1].split("\n\n", 2)[2]
    documented = {
        name for row in table.splitlines() if row.startswith("| `")
        for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])
    }  # fmt: skip
    assert {
        "max_operators",
        "cache_entries",
        "cache_bytes",
        "max_header_bytes",
        "retry_after",
    } <= documented
    flags = {o for a in _serve()._actions for o in a.option_strings}
    assert {"--" + n.replace("_", "-") for n in documented} <= flags


def test_options_given_reach_the_settings() -> None:
    args = parser().parse_args(
        ["serve", "--max-operators", "500", "--cache-bytes", "1000", "--retry-after", "9",
         "--query-timeout", "2.5", "--release", "/tmp/x"]
    )  # fmt: skip
    got = settings(args)
    assert (got.max_operators, got.cache_bytes, got.retry_after, got.query_timeout) == (
        500,
        1000,
        9,
        2.5,
    )
    assert str(got.release) == "/tmp/x" and got.max_rows == Settings().max_rows
