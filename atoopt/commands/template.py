"""``atoopt template PATH [--example NAME]``: write a blank (or example) input workbook."""

from __future__ import annotations

from pathlib import Path

from ..examples import EXAMPLES, example
from ..io.template import write_input_workbook


def add_parser(subparsers):
    parser = subparsers.add_parser("template", help="write a blank (or example) input workbook")
    parser.add_argument("path", type=Path, help="the workbook to write (.xlsx)")
    parser.add_argument("--example", metavar="NAME", help="fill it with a bundled example: " + ", ".join(EXAMPLES))
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    instance = example(args.example) if args.example else None
    path = write_input_workbook(args.path, instance)
    print(f"wrote {path}")
    return 0
