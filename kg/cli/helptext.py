"""How every ``kg`` command presents itself: a summary, a description, examples.

``kg COMMAND --help`` shows what the command does, its options with their defaults and
environment variables, and commands to copy; :func:`command` makes such a parser so that no
command can be registered without them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

__all__ = ["Formatter", "command", "epilog"]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples as written (line breaks kept), options wrapped as usual."""


def epilog(examples: Sequence[str]) -> str:
    """The examples block under a command's options."""
    return "examples:\n" + "\n".join(f"  {e}" for e in examples)


def command(
    sub: Any, name: str, summary: str, description: str, examples: Sequence[str]
) -> argparse.ArgumentParser:
    """A sub-command: ``summary`` in ``kg --help``, the description and examples in its own."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.\n\n{description.strip()}",
        epilog=epilog(examples),
        formatter_class=Formatter,
    )
    return parser
