"""``atoopt saa PATH``: sample average approximation with lower and upper bounds."""

from __future__ import annotations

import json
from pathlib import Path

from ..stats.saa import saa
from .sampling_options import add_sample_options, count, fraction, load_with_notes


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "saa", help="SAA plan with a confidence interval on its optimality gap (Mak, Morton and Wood)"
    )
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.add_argument("-n", "--sample-size", type=count(), default=100, help="scenarios per SAA problem N (100)")
    parser.add_argument("-m", "--replications", type=count(2), default=10, help="independent SAA problems M (10)")
    parser.add_argument("--evaluation-size", type=count(2), default=10_000, help="fresh scenarios for the upper bound")
    parser.add_argument("--candidate-size", type=count(), help="scenarios of the candidate plan's problem (default N)")
    parser.add_argument("--target-gap", type=fraction, help="double N until the relative gap is at most this")
    parser.add_argument("--max-sample-size", type=count(), default=10_000, help="largest N in target-gap mode")
    add_sample_options(parser, None)
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    instance = load_with_notes(args)
    result = saa(
        instance,
        sample_size=args.sample_size,
        replications=args.replications,
        evaluation_size=args.evaluation_size,
        candidate_size=args.candidate_size,
        confidence=args.confidence,
        seed=args.seed,
        sampling=args.sampling,
        target_gap=args.target_gap,
        max_sample_size=args.max_sample_size,
    )
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(describe(summary))
    return 0


def describe(s: dict) -> str:
    pct = f"{s['confidence']:.0%}"
    lines = [f"SAA with {s['replications']} replications of N = {s['sample_size']} scenarios:"]
    for r in s["rounds"][:-1]:
        lines.append(f"  N = {r['sample_size']}: relative gap limit {r['relative_gap']:.3%} (not yet met)")
    lines += [
        f"  lower bound  {s['lower_bound']:,.4f} (std error {s['lower_bound_std_error']:,.4f})",
        f"  upper bound  {s['upper_bound']:,.4f} (std error {s['upper_bound_std_error']:,.4f}, "
        f"{s['evaluation_size']} fresh scenarios)",
        f"  optimal cost in [{s['optimal_cost_interval'][0]:,.4f}, {s['optimal_cost_interval'][1]:,.4f}] ({pct})",
        f"  gap of the candidate plan: {s['gap_interval'][1]:,.4f} at most (independent bounds), "
        f"{s['mrp_gap_interval'][1]:,.4f} at most (common random numbers), {pct}",
        f"  relative gap limit {s['relative_gap']:.3%}",
    ]
    if s["target_gap"] is not None:
        lines.append(f"  target gap {s['target_gap']:.3%}: {'met' if s['met_target'] else 'NOT met within the limit'}")
    lines.append("candidate stock: " + ", ".join(f"{j} {x:,.2f}" for j, x in list(s["candidate_stock"].items())[:8]))
    lines += [f"note: {n}" for n in s["notes"]]
    return "\n".join(lines)
