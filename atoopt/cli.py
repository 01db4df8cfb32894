"""The ``atoopt`` command: thin argument parsing around the Python API."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import AtooptError, InputError
from .instance import load
from .io.results import write_result
from .io.template import write_input_workbook
from .solution import Solution
from .solve import SolveOptions, solve

#: Exit statuses: 2 is bad input (as for a usage error); the rest say how a solve ended.
EXIT = {"optimal": 0, "time_limit": 0, "input": 2, "infeasible": 3, "unbounded": 4, "error": 5}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AtooptError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for --debug
        if getattr(args, "debug", False):
            raise
        print(f"atoopt failed unexpectedly ({type(exc).__name__}: {exc}). Nothing was written. "
              "Run again with --debug for details and please report it.", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atoopt", description="Component stock levels for assemble-to-order manufacturing.")
    parser.add_argument("--version", action="version", version=f"atoopt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    template = commands.add_parser("template", help="write a blank (or example) input workbook")
    template.add_argument("path", type=Path, help="the workbook to write (.xlsx)")
    template.add_argument("--example", metavar="NAME", help="fill it with a bundled example: " + ", ".join(_examples()))
    template.set_defaults(run=_template)

    validate = commands.add_parser("validate", help="report every problem in an input workbook")
    validate.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    validate.set_defaults(run=_validate)

    solve_cmd = commands.add_parser("solve", help="solve and write the result workbook")
    solve_cmd.add_argument("path", type=Path, help="input workbook (.xlsx) or folder of CSV files")
    solve_cmd.add_argument("-o", "--output", type=Path, help="result workbook (default: <input>-result.xlsx)")
    solve_cmd.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    solve_cmd.add_argument("--time-limit", type=float, help="seconds before stopping with the best plan")
    solve_cmd.add_argument("--mip-gap", type=float, help="relative gap to stop an integer solve at")
    solve_cmd.add_argument("--threads", type=int, help="solver threads (0: HiGHS chooses)")
    solve_cmd.add_argument("--method", default="choose", choices=["choose", "simplex", "ipm", "hipo", "pdlp"],
                           help="HiGHS algorithm (default: choose)")
    solve_cmd.add_argument("--no-write", action="store_true", help="do not write the result workbook")
    solve_cmd.add_argument("-v", "--verbose", action="store_true", help="show the solver log")
    solve_cmd.set_defaults(run=_solve)
    for command in (template, validate, solve_cmd):
        command.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def _examples() -> list[str]:
    from .examples import EXAMPLES

    return list(EXAMPLES)


def _template(args) -> int:
    instance = None
    if args.example:
        from .examples import example

        instance = example(args.example)
    path = write_input_workbook(args.path, instance)
    print(f"wrote {path}")
    return 0


def _validate(args) -> int:
    try:
        instance = load(args.path)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    for line in instance.report.lines():
        print(line, file=sys.stderr)
    a = instance.arrays
    print(f"{args.path} is ready to solve: {len(a.J)} components, {len(a.I)} configurations, "
          f"{len(a.S)} scenarios.")
    return 0


def _solve(args) -> int:
    instance = load(args.path)
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap, threads=args.threads,
                           method=args.method, verbose=args.verbose)
    solution = solve(instance, options)
    output = None
    if solution.has_plan and not args.no_write:
        output = args.output or _default_output(args.path)
        write_result(solution, output, instance.name)
    if args.json:
        print(json.dumps(solution.summary(), indent=2))
    else:
        print(describe(solution, instance.name, output))
    if not solution.has_plan:
        print(f"no plan: {solution.message}", file=sys.stderr)
    return 0 if solution.has_plan else EXIT.get(solution.status, 5) if solution.status != "time_limit" else 5


def _default_output(path: Path) -> Path:
    """``<input stem>-result.xlsx`` beside the workbook (or beside the CSV folder)."""
    path = path.resolve()
    return path.parent / f"{path.stem}-result.xlsx"


def describe(solution: Solution, name: str = "", output: Path | None = None, top: int = 8) -> str:
    """A short, readable summary of a solution for the terminal."""
    lines = [f"{name or 'instance'}: {solution.status} - {solution.message}"]
    if not solution.has_plan:
        lines += [f"  conflict: {c}" for c in solution.conflicts]
        return "\n".join(lines)
    money = f" {solution.currency}" if solution.currency else ""
    costs = solution.cost_breakdown
    parts = ", ".join(f"{k} {v:,.2f}" for k, v in costs.items() if k != "total" and abs(v) > 1e-9)
    lines.append(f"expected total cost: {costs['total']:,.2f}{money}" + (f" ({parts})" if parts else ""))
    comps = solution.components
    ordered = comps[comps["order"] > 1e-9].sort_values("order_cost", ascending=False)
    lines.append(f"order {len(ordered)} of {len(comps)} components, "
                 f"{float(comps['order_cost'].sum()):,.2f}{money} in all:")
    width = max((len(str(j)) for j in ordered.index[:top]), default=0)
    for j, row in ordered.head(top).iterrows():
        lines.append(f"  {str(j):<{width}}  order {row['order']:>10,.2f}  stock {row['stock']:>10,.2f}  "
                     f"runs out {row['stockout_probability']:6.1%}")
    if len(ordered) > top:
        lines.append(f"  ... and {len(ordered) - top} more (see the result workbook)")
    fill = solution.configurations["fill_rate"].dropna().sort_values()
    if len(fill):
        lines.append(f"fill rate: {fill.mean():.1%} on average, lowest {fill.iloc[0]:.1%} ({fill.index[0]})")
    if output is not None:
        lines.append(f"result written to {output}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
