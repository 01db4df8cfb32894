"""Options shared by the commands that draw fresh demand samples (``saa``, ``evaluate``)."""

from __future__ import annotations

import sys

from ..instance import load
from ..scenarios.sampling import SAMPLING_METHODS


def add_sample_options(parser, sampling_default: str | None) -> None:
    """--seed, --sampling, --confidence and --json."""
    parser.add_argument("--seed", type=int, help="seed (default: the seed setting)")
    parser.add_argument(
        "--sampling",
        choices=SAMPLING_METHODS,
        default=sampling_default,
        help=f"sampling method (default: {sampling_default or 'the sampling setting'})",
    )
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level (0.95)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def load_with_notes(args):
    """The instance of ``args.path``; its warnings and notices go to stderr unless --json."""
    instance = load(args.path)
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    return instance
