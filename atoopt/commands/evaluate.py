"""``atoopt evaluate PATH --plan FILE``: a plan's cost and fill rates on a fresh sample."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..instance import load
from ..io.plan import read_plan
from ..scenarios.sampling import SAMPLING_METHODS
from ..stats.evaluate import evaluate


def add_parser(subparsers):
    parser = subparsers.add_parser("evaluate", help="evaluate a stocking plan out of sample")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.add_argument(
        "--plan", type=Path, required=True, help="result workbook (its Components sheet) or CSV: component, stock"
    )
    parser.add_argument("-n", "--sample-size", type=int, default=10_000, help="fresh scenarios (10000)")
    parser.add_argument("--in-sample", action="store_true", help="evaluate on the instance's own scenarios")
    parser.add_argument("--seed", type=int, help="seed (default: the seed setting)")
    parser.add_argument("--sampling", choices=SAMPLING_METHODS, default="mc", help="sampling method (mc)")
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level (0.95)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    instance = load(args.path)
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    stock = read_plan(args.plan, instance)
    size = None if args.in_sample else args.sample_size
    result = evaluate(instance, stock, size, args.seed, args.sampling, args.confidence)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    where = "the instance's own scenarios" if result.exact else f"{result.sample_size} fresh scenarios"
    low, high = result.cost_interval
    risk = summary["cost_distribution"]
    lines = [
        f"plan {args.plan.name} on {where} ({result.method.replace('_', ' ')}, {result.seconds:.2f} s):",
        f"  expected cost {result.expected_cost:,.4f}"
        + ("" if result.exact else f"  ({result.confidence:.0%} interval {low:,.4f} .. {high:,.4f})"),
        f"  cost percentiles 5/50/95: {risk['p5']:,.2f} / {risk['p50']:,.2f} / {risk['p95']:,.2f}; "
        f"CVaR {risk['level']:.0%}: {risk['cvar']:,.2f}",
    ]
    for i, row in result.fill_rate.dropna().head(12).iterrows():
        lines.append(f"  fill rate {i}: {row['estimate']:.2%} ({row['low']:.2%} .. {row['high']:.2%})")
    print("\n".join(lines))
    return 0
