"""``atoopt solve PATH [-o OUT] [--json]``: solve and write the result workbook."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import AtooptError, InputError
from ..fastpath import INTEGER_STRATEGIES, PATHS
from ..instance import load
from ..io.conflicts import conflict_report
from ..io.results import write_result
from ..progress import Progress
from ..scenarios.reduction import reduce_instance
from ..solution import Solution
from ..solve import SolveOptions, solve
from ..stats.report import describe_extras, reduction_error, value_of_information
from . import scaleout
from .sampling_options import count
from .validate import add_annotate_option, write_annotated

#: Exit statuses of a solve without a plan (2 is bad input, as for a usage error).
EXIT_NO_PLAN = {"infeasible": 3, "unbounded": 4, "time_limit": 5, "error": 5}


def add_parser(subparsers):
    parser = subparsers.add_parser("solve", help="solve and write the result workbook")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.add_argument("-o", "--output", type=Path, help="result workbook (default: <input>-result.xlsx)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--time-limit", type=float, help="seconds before stopping with the best plan")
    parser.add_argument("--mip-gap", type=float, help="relative gap to stop an integer solve at")
    parser.add_argument("--threads", type=int, help="solver threads (0: HiGHS chooses)")
    parser.add_argument(
        "--method",
        default="auto",
        choices=["auto", "choose", "simplex", "ipm", "hipo", "pdlp"],
        help="HiGHS algorithm (default: auto, by model size; choose lets HiGHS pick)",
    )
    parser.add_argument("--path", dest="solve_path", default="auto", choices=PATHS, help="how to solve (default: auto)")
    parser.add_argument(
        "--integer", default="auto", choices=INTEGER_STRATEGIES, help="lot sizes: exact MIP or rounded LP plan"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="bounds and elapsed time on stderr during long solves (default: on, off with --json)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write the result workbook")
    parser.add_argument(
        "--value-of-information", action="store_true", help="also compute EV, EEV, VSS, wait-and-see and EVPI"
    )
    parser.add_argument(
        "--reduce-to", type=count(), metavar="K", help="first reduce the scenarios to K (fast forward selection)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the solver log")
    add_annotate_option(parser)
    scaleout.add_engine_arguments(parser)
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    if args.engine == "mpisppy":
        return scaleout.run(args)
    try:
        instance = load(args.path)
    except InputError as exc:
        if any(p.sheet for p in exc.report.problems):
            write_annotated(args, exc.report)
        raise
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    show_progress = args.progress if args.progress is not None else not args.json
    options = SolveOptions(
        time_limit=args.time_limit,
        mip_gap=args.mip_gap,
        threads=args.threads,
        method=args.method,
        verbose=args.verbose,
        path=args.solve_path,
        integer=args.integer,
        progress=Progress() if show_progress else None,
    )
    full = instance
    if args.reduce_to:
        instance, reduction = reduce_instance(instance, args.reduce_to)
    solution = solve(instance, options)
    extras = {}
    if solution.has_plan and args.reduce_to:
        extras["scenario_reduction"] = reduction_error(full, reduction, solution)
    if args.value_of_information:
        extras["value_of_information"] = value_of_information(instance, options.for_highs(instance)).summary()
    output = None
    if solution.has_plan and not args.no_write:
        output = args.output or default_output(args.path)
        if Path(output).resolve() == Path(args.path).resolve():
            raise AtooptError(f"the result would overwrite the input '{args.path}'; name another file with -o.")
        write_result(solution, output, instance.name, instance=instance, source=args.path)
    if args.json:
        print(json.dumps({**solution.summary(), **extras}, indent=2))
    else:
        print("\n".join([describe(solution, instance.name, output), *describe_extras(extras)]))
    if solution.has_plan:
        return 0
    print(f"no plan: {solution.message}", file=sys.stderr)
    if solution.conflicts and args.annotate is not None:
        write_annotated(args, conflict_report(args.path, solution.conflicts))
    return EXIT_NO_PLAN.get(solution.status, 5)


def default_output(path: Path) -> Path:
    """``<input stem>-result.xlsx`` beside the workbook (or beside the CSV folder)."""
    path = path.resolve()
    return path.parent / f"{path.stem}-result.xlsx"


def describe(solution: Solution, name: str = "", output: Path | None = None, top: int = 8) -> str:
    """A short, readable summary of a solution for the terminal."""
    lines = [f"{name or 'instance'}: {solution.status} - {solution.message}"]
    if not solution.has_plan:
        return "\n".join(lines)
    money = f" {solution.currency}" if solution.currency else ""
    costs = solution.cost_breakdown
    parts = ", ".join(f"{k} {v:,.2f}" for k, v in costs.items() if k != "total" and abs(v) > 1e-9)
    lines.append(f"expected total cost: {costs['total']:,.2f}{money}" + (f" ({parts})" if parts else ""))
    comps = solution.components
    ordered = comps[comps["order"] > 1e-9].sort_values("order_cost", ascending=False)
    lines.append(
        f"order {len(ordered)} of {len(comps)} components, {float(comps['order_cost'].sum()):,.2f}{money} in all:"
    )
    width = max((len(str(j)) for j in ordered.index[:top]), default=0)
    for j, row in ordered.head(top).iterrows():
        lines.append(
            f"  {j!s:<{width}}  order {row['order']:>10,.2f}  stock {row['stock']:>10,.2f}  "
            f"runs out {row['stockout_probability']:6.1%}"
        )
    if len(ordered) > top:
        lines.append(f"  ... and {len(ordered) - top} more (see the result workbook)")
    fill = solution.configurations["fill_rate"].dropna().sort_values()
    if len(fill):
        lines.append(f"fill rate: {fill.mean():.1%} on average, lowest {fill.iloc[0]:.1%} ({fill.index[0]})")
    if output is not None:
        lines.append(f"result written to {output}")
    return "\n".join(lines)
