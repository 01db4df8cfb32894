"""``atoopt validate PATH [--annotate [OUT]]``: report every problem in an input, or that it is ready."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import AtooptError, InputError, Report
from ..instance import from_tables
from ..io import read_tables
from ..io.annotate import annotate, default_annotated_path
from ..studies.definition import study_from_tables
from ..studies.overrides import check_study


def add_parser(subparsers):
    parser = subparsers.add_parser("validate", help="report every problem in an input workbook")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    add_annotate_option(parser)
    parser.set_defaults(run=run)
    return parser


def add_annotate_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotate",
        nargs="?",
        const="",
        metavar="OUT",
        help="write a copy of the workbook with every problem cell marked and a first sheet listing them "
        "(default OUT: <input>-problems.xlsx; the input is never changed)",
    )


def write_annotated(args, report: Report) -> None:
    """The marked-up copy, if ``--annotate`` was given."""
    if args.annotate is None:
        return
    output = Path(args.annotate) if args.annotate else default_annotated_path(args.path)
    try:
        annotate(args.path, report, output)
    except AtooptError as exc:  # the problems themselves are still reported
        print(f"no annotated copy: {exc}", file=sys.stderr)
        return
    print(f"problems marked in {output}", file=sys.stderr)


def run(args) -> int:
    try:
        tables, source = read_tables(args.path)
        instance = from_tables(tables, source, Path(args.path).stem)
        check_study(study_from_tables(tables, source), instance)  # the WhatIf sheet's ids, if there is one
    except InputError as exc:  # every problem on stderr, exit 2 (see cli.main)
        if any(p.sheet for p in exc.report.problems):
            write_annotated(args, exc.report)
        raise
    for line in instance.report.lines():
        print(line, file=sys.stderr)
    write_annotated(args, instance.report)
    a = instance.arrays
    print(f"{args.path} is ready to solve: {len(a.J)} components, {len(a.I)} configurations, {len(a.S)} scenarios.")
    return 0
