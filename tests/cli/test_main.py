"""``kg`` itself: ``--version``, help when called alone, and every command with a
description, examples and help on every option."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from kg import __version__
from kg.cli import main, parser


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "--version"], capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.strip() == f"kg (dmkg) {__version__}"


def test_kg_alone_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kg") and "  COMMAND\n" in out and "examples:" in out
    for name in _commands():
        assert f"    {name} " in out


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_a_description_examples_and_option_help(name: str) -> None:
    sub = _commands()[name]
    assert sub.description and len(sub.description.split("\n\n", 1)) == 2, "summary, then text"
    assert sub.epilog and sub.epilog.startswith("examples:\n  kg ")
    for example in sub.epilog.splitlines()[1:]:
        assert f" {name}" in example or example.strip().startswith("kg --data"), example
    for action in sub._actions:
        if not isinstance(action, argparse._HelpAction):
            assert action.help, f"kg {name} {action.option_strings or action.dest}: no help text"
    text = sub.format_help()
    assert "examples:" in text and sub.description.splitlines()[0] in text


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["biuld"])
    assert info.value.code == 2 and "invalid choice: 'biuld'" in capsys.readouterr().err
