"""Options shared by the commands that draw fresh demand samples (``saa``, ``evaluate``)."""

from __future__ import annotations

import argparse
import sys

from ..instance import load
from ..scenarios.sampling import SAMPLING_METHODS


def count(least: int = 1):
    """An argparse type: a whole number of at least ``least``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least {least}")
        return value

    return parse


def fraction(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number between 0 and 1, such as 0.95")
    return value


def add_sample_options(parser, sampling_default: str | None) -> None:
    """--seed, --sampling, --confidence and --json."""
    parser.add_argument("--seed", type=count(0), help="seed (default: the seed setting)")
    parser.add_argument(
        "--sampling",
        choices=SAMPLING_METHODS,
        default=sampling_default,
        help=f"sampling method (default: {sampling_default or 'the sampling setting'})",
    )
    parser.add_argument("--confidence", type=fraction, default=0.95, help="confidence level (0.95)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def load_with_notes(args):
    """The instance of ``args.path``; its warnings and notices go to stderr unless --json."""
    instance = load(args.path)
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    return instance
