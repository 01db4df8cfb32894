"""``atoopt whatif PATH [--study FILE] [--sweep SPEC] [-o OUT]``: run a what-if study.

Also ``atoopt compare-strategies PATH``: assemble-to-order against make-to-stock.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..instance import from_tables
from ..io import read_tables
from ..studies.cache import CaseCache, default_cache_path
from ..studies.definition import Study, parse_sweep, read_study, study_from_tables, sweep_cases
from ..studies.report import PLOTS_HINT, cases_table, cheapest_meeting, write_comparison, write_plots
from ..studies.runner import CaseSettings, StudyRun, run_study, solve_cold
from ..studies.strategy import as_records, compare_strategies

SWEEP_HELP = (
    "sweep a parameter over values: PARAMETER[@ITEM]=VALUES, VALUES a list 1000,2000 or a range START:STOP:COUNT; "
    "a leading x scales (x1,1.5,2), a leading + adds. Twice for a grid, e.g. "
    "--sweep shortage_cost=x1,1.5,2 --sweep budget=1000:5000:5"
)


def add_parser(subparsers):
    parser = subparsers.add_parser("whatif", help="run a what-if study: many variants of a plan, side by side")
    parser.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    parser.add_argument("--study", type=Path, help="the cases as a .csv or .yaml file (default: the WhatIf sheet)")
    parser.add_argument("--sweep", action="append", default=[], metavar="SPEC", help=SWEEP_HELP)
    parser.add_argument("-o", "--output", type=Path, help="comparison workbook (default: <input>-whatif.xlsx)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per core when it pays off)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    parser.add_argument("--service-target", type=float, help="service to find the cheapest case for (default 0.95)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the case cache")
    parser.add_argument("--benchmark", action="store_true", help="also solve every case cold and show the speed-up")
    parser.add_argument("--no-strategies", action="store_true", help="leave out the ATO / make-to-stock comparison")
    parser.add_argument("--no-plots", action="store_true", help="write no PNG plots")
    parser.add_argument("--time-limit", type=float, help="seconds per case before stopping with the best plan")
    parser.add_argument("--mip-gap", type=float, help="relative gap to stop an integer solve at")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every case's result")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)
    strategies = subparsers.add_parser(
        "compare-strategies", help="assemble-to-order against make-to-stock on your data"
    )
    strategies.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    strategies.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    strategies.set_defaults(run=run_strategies)
    return parser


def run(args) -> int:
    tables, source = read_tables(args.path)
    instance = from_tables(tables, source, Path(args.path).stem)
    study = read_study(args.study) if args.study else study_from_tables(tables, source)
    if args.sweep:
        study.add(sweep_cases([parse_sweep(text) for text in args.sweep]))
    if args.service_target is not None:
        study.service_target = args.service_target
    output = args.output or args.path.resolve().parent / f"{args.path.resolve().stem}-whatif.xlsx"
    cache = None if args.no_cache or args.benchmark else CaseCache(default_cache_path(output))
    settings = CaseSettings(time_limit=args.time_limit, mip_gap=args.mip_gap)
    progress = False if (args.quiet or args.json) else None
    result = run_study(instance, study, settings, args.jobs, args.scheduler, cache, progress)
    if args.benchmark:
        result.cold_seconds, result.cold_records = solve_cold(instance, study.cases, settings)
    strategy, notes = (None, []) if args.no_strategies else compare_strategies(instance, settings)
    write_comparison(output, result.records, _summary(instance.name, result, notes), study.service_target, strategy)
    plots = []
    if not args.no_plots:
        try:
            plots = write_plots(output.with_suffix(""), result.records, study.service_target)
        except ImportError:
            print(PLOTS_HINT, file=sys.stderr)
    if args.json:
        out = {**_summary(instance.name, result, notes), "output": str(output), "cases": result.records}
        if strategy is not None:
            out["strategies"] = as_records(strategy)
        print(json.dumps(out, indent=2, default=str))
    else:
        print(describe(study, result, output, plots, notes))
    return 0


def run_strategies(args) -> int:
    tables, source = read_tables(args.path)
    instance = from_tables(tables, source, Path(args.path).stem)
    table, notes = compare_strategies(instance)
    if args.json:
        print(json.dumps({"strategies": as_records(table), "notes": notes}, indent=2, default=str))
    else:
        print(table.to_string(float_format=lambda v: f"{v:,.4f}"))
        for note in notes:
            print(f"note: {note}")
    return 0


def _summary(name: str, result: StudyRun, notes: list[str]) -> dict:
    summary = {
        "instance": name,
        "case_count": len(result.records),
        "solved": result.solved,
        "from_cache": result.cached,
        "workers": result.workers,
        "seconds": result.seconds,
    }
    if result.cold_seconds is not None:
        summary["cold_seconds"] = result.cold_seconds
        summary["speedup"] = result.speedup
        summary["largest_relative_difference_to_cold"] = _largest_difference(result)
    summary.update({f"strategy note {n + 1}": note for n, note in enumerate(notes)})
    return summary


def _largest_difference(result: StudyRun) -> float:
    """Largest relative gap in expected total cost between the study and the cold solves."""
    worst = 0.0
    for mine, cold in zip(result.records, result.cold_records):
        a, b = mine.get("expected_total_cost"), cold.get("expected_total_cost")
        if a is not None and b is not None:
            worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    return worst


def describe(study: Study, result: StudyRun, output: Path, plots: list[Path], notes: list[str]) -> str:
    table = cases_table(result.records, study.service_target)
    lines = [f"{len(table)} cases: {result.solved} solved ({result.workers}), {result.cached} from the cache."]
    width = max(len(str(c)) for c in table["case"])
    for _, row in table.iterrows():
        text = f"  {row['case']:<{width}}  {row['status']:<10}"
        if row["status"] == "optimal":
            text += f" cost {row['expected_total_cost']:>14,.2f}"
            if "cost_change" in row and row["case"] != "base":
                text += f" ({row['cost_change']:+,.2f})"
            text += f"  service {row['service']:6.1%}"
        else:
            text += f" {row['message']}"
        lines.append(text)
    best = cheapest_meeting(table)
    lines.append(
        f"cheapest case meeting {study.service_target:.0%} service: {best}"
        if best
        else f"no case meets {study.service_target:.0%} service."
    )
    if result.cold_seconds is not None:
        lines.append(
            f"speed-up: {result.seconds:.2f} s here against {result.cold_seconds:.2f} s solving each case cold "
            f"one by one: {result.speedup:.2f}x"
        )
    lines += [f"note: {n}" for n in notes]
    lines.append(f"comparison written to {output}" + "".join(f", {p.name}" for p in plots))
    return "\n".join(lines)
