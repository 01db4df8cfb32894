"""``atoopt bench [--size NAME ...] [--method M ...] [--json]``: time and memory of each method."""

from __future__ import annotations

import json
import sys

from ..bench import DEFAULT_METHODS, METHODS, bench_size, machine, markdown
from ..generate import SIZES


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "bench",
        help="benchmark the solve methods on generated instances of named sizes",
        description="Sizes: " + ", ".join(f"{k} ({'x'.join(map(str, v))})" for k, v in SIZES.items()),
    )
    parser.add_argument("--size", action="append", choices=list(SIZES), help="instance size (repeatable; default tiny)")
    parser.add_argument(
        "--method", action="append", choices=METHODS, help=f"method (repeatable; default {', '.join(DEFAULT_METHODS)})"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the instances")
    parser.add_argument("--time-limit", type=float, help="seconds per HiGHS run")
    parser.add_argument("--json", action="store_true", help="print the machine and results as JSON")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    sizes = args.size or ["tiny"]
    methods = tuple(args.method or DEFAULT_METHODS)
    results = []
    for size in sizes:
        results.append(
            bench_size(
                size, methods, seed=args.seed, time_limit=args.time_limit, log=lambda m: print(m, file=sys.stderr)
            )
        )
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    else:
        info = machine()
        print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, HiGHS {info['highs']}")
        print(markdown(results))
    return 0
