"""``atoopt validate PATH``: report every problem in an input, or that it is ready."""

from __future__ import annotations

import sys
from pathlib import Path

from ..instance import from_tables
from ..io import read_tables
from ..studies.definition import study_from_tables
from ..studies.overrides import check_study


def add_parser(subparsers):
    parser = subparsers.add_parser("validate", help="report every problem in an input workbook")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    tables, source = read_tables(args.path)
    instance = from_tables(tables, source, Path(args.path).stem)  # InputError: exit 2 (see cli.main)
    check_study(study_from_tables(tables, source), instance)  # the WhatIf sheet's ids, if there is one
    for line in instance.report.lines():
        print(line, file=sys.stderr)
    a = instance.arrays
    print(f"{args.path} is ready to solve: {len(a.J)} components, {len(a.I)} configurations, {len(a.S)} scenarios.")
    return 0
