"""``atoopt template PATH [--example NAME]``: write a blank (or example) input workbook."""

from __future__ import annotations

from pathlib import Path

from ..errors import AtooptError
from ..examples import EXAMPLES, example
from ..io.template import write_input_workbook


def add_parser(subparsers):
    parser = subparsers.add_parser("template", help="write a blank (or example) input workbook")
    parser.add_argument("path", type=Path, help="the workbook to write (.xlsx)")
    parser.add_argument("--example", metavar="NAME", help="fill it with a bundled example: " + ", ".join(EXAMPLES))
    parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    if Path(args.path).exists() and not args.force:
        raise AtooptError(f"'{args.path}' exists; choose another name, or pass --force to overwrite it.")
    instance = example(args.example) if args.example else None
    path = write_input_workbook(args.path, instance)
    print(f"wrote {path}")
    return 0
