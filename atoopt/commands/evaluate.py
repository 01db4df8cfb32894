"""``atoopt evaluate PATH --plan FILE``: a plan's cost and fill rates on a fresh sample."""

from __future__ import annotations

import json
from pathlib import Path

from ..io.plan import read_plan
from ..scenarios.sampling import DemandModel
from ..stats.evaluate import evaluate
from .sampling_options import add_sample_options, count, load_with_notes

#: Fresh scenarios drawn from a demand model when --sample-size is not given.
DEFAULT_SAMPLE_SIZE = 10_000


def default_sample_size(instance) -> int | None:
    """10,000 fresh scenarios from a demand model; None (exact) for a discrete distribution of scenarios."""
    return DEFAULT_SAMPLE_SIZE if isinstance(instance.demand_source, DemandModel) else None


def add_parser(subparsers):
    parser = subparsers.add_parser("evaluate", help="evaluate a stocking plan out of sample")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.add_argument(
        "--plan", type=Path, required=True, help="result workbook (its Components sheet) or CSV: component, stock"
    )
    parser.add_argument(
        "-n",
        "--sample-size",
        type=count(2),
        help=f"fresh scenarios (default: {DEFAULT_SAMPLE_SIZE} from a DemandModel or fitted History; "
        "otherwise the exact discrete distribution of the scenarios or history periods)",
    )
    parser.add_argument("--in-sample", action="store_true", help="evaluate on the instance's own scenarios")
    add_sample_options(parser, "mc")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    instance = load_with_notes(args)
    stock = read_plan(args.plan, instance)
    size = None if args.in_sample else args.sample_size or default_sample_size(instance)
    result = evaluate(instance, stock, size, args.seed, args.sampling, args.confidence)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    where = f"all {result.sample_size} scenarios (exact)" if result.exact else f"{result.sample_size} fresh scenarios"
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
