"""The ``atoopt`` command: thin argument parsing around the Python API.

Each subcommand lives in its own module of :mod:`atoopt.commands` with
``add_parser(subparsers)`` (which sets ``run``); this module only dispatches and
turns errors into messages and exit statuses, never tracebacks.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .commands import COMMANDS
from .errors import AtooptError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AtooptError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for --debug
        if getattr(args, "debug", False):
            raise
        print(
            f"atoopt failed unexpectedly ({type(exc).__name__}: {exc}). Nothing was written. "
            "Run again with --debug for details, and please report it.",
            file=sys.stderr,
        )
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atoopt", description="Component stock levels for assemble-to-order manufacturing."
    )
    parser.add_argument("--version", action="version", version=f"atoopt {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = command.add_parser(subparsers)
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
