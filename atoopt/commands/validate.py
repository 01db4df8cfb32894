"""``atoopt validate PATH``: report every problem in an input, or that it is ready."""

from __future__ import annotations

import sys
from pathlib import Path

from ..instance import load


def add_parser(subparsers):
    parser = subparsers.add_parser("validate", help="report every problem in an input workbook")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    instance = load(args.path)  # InputError: every problem on stderr, exit 2 (see cli.main)
    for line in instance.report.lines():
        print(line, file=sys.stderr)
    a = instance.arrays
    print(f"{args.path} is ready to solve: {len(a.J)} components, {len(a.I)} configurations, {len(a.S)} scenarios.")
    return 0
