"""``atoopt mpisppy SOURCE``: solve through mpi-sppy (also ``atoopt solve PATH --engine mpisppy``).

The extensive form runs in this process; progressive hedging launches
``mpiexec -n RANKS`` itself (``--launcher`` for a cluster's own, e.g. ``srun``).
The plan comes back as the usual result workbook and ``--json`` summary.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from ..io.results import write_result
from ..scaleout.run import MpisppyOptions
from ..scaleout.source import open_source, source_name

ENGINES = ("highs", "mpisppy")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "mpisppy",
        help="solve through mpi-sppy: extensive form, or progressive hedging on MPI ranks",
        description="Solve through mpi-sppy. SOURCE is a workbook, a folder of CSV files, example:NAME, "
        "or random:components=N,configurations=N,scenarios=N[,seed=N,...]. See docs/mpi-sppy.md.",
    )
    parser.add_argument("path", metavar="SOURCE", help="the instance (see above)")
    parser.add_argument("-o", "--output", type=Path, help="result workbook (default: <name>-result.xlsx)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--time-limit", type=float, help="seconds before stopping with the best plan")
    parser.add_argument("--mip-gap", type=float, help="relative gap to stop an integer extensive form at (default 0)")
    parser.add_argument("--no-write", action="store_true", help="do not write the result workbook")
    parser.add_argument("-v", "--verbose", action="store_true", help="show mpi-sppy's and the solver's log")
    add_mpisppy_arguments(parser)
    parser.set_defaults(run=run, engine="mpisppy")
    return parser


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--engine`` switch of ``atoopt solve`` and the mpi-sppy options it enables."""
    parser.add_argument(
        "--engine", default="highs", choices=ENGINES, help="highs (default) or mpisppy (see 'atoopt mpisppy -h')"
    )
    add_mpisppy_arguments(parser)


def add_mpisppy_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("mpi-sppy")
    group.add_argument(
        "--algorithm",
        choices=["ef", "ph"],
        help="ef: extensive form in this process; ph: progressive hedging on MPI ranks "
        "(default: ph when --ranks is given, else ef)",
    )
    group.add_argument("--ranks", type=int, help="MPI processes for ph (default 3: PH hub, Lagrangian, xhat)")
    group.add_argument("--rho", type=float, help="PH penalty for every stock level (default: per variable, SEP)")
    group.add_argument("--rho-multiplier", type=float, default=MpisppyOptions.rho_multiplier, help="scales rho (5)")
    group.add_argument("--max-iterations", type=int, default=200, help="PH iterations at most (default 200)")
    group.add_argument("--rel-gap", type=float, default=1e-3, help="PH stops at this gap between bounds (1e-3)")
    group.add_argument("--solver", help="Pyomo solver for mpi-sppy (default highs for ph, appsi_highs for ef)")
    group.add_argument(
        "--drop-fill-rate-targets", action="store_true", help="solve without fill-rate targets (they link scenarios)"
    )
    group.add_argument("--launcher", default="mpiexec -n {ranks}", help="MPI launch command (default: %(default)s)")
    group.add_argument("--mpisppy-args", default="", help="more mpi-sppy generic_cylinders arguments, quoted")


def run(args) -> int:
    from ..scaleout.run import require_mpisppy, solve_mpisppy
    from .solve import describe

    require_mpisppy()
    source = str(args.path)
    instance = open_source(source)
    if not args.json:
        for line in instance.report.lines():
            print(line, file=sys.stderr)
    algorithm = args.algorithm or ("ph" if args.ranks else "ef")
    options = MpisppyOptions(
        algorithm=algorithm,
        ranks=args.ranks or 3,
        rho=args.rho,
        rho_multiplier=args.rho_multiplier,
        max_iterations=args.max_iterations,
        rel_gap=args.rel_gap,
        time_limit=args.time_limit,
        mip_gap=args.mip_gap or 0.0,
        solver=args.solver,
        drop_fill_rate_targets=args.drop_fill_rate_targets,
        launcher=args.launcher,
        extra=shlex.split(args.mpisppy_args),
        verbose=args.verbose,
    )
    solution = solve_mpisppy(instance, options, source)
    output = None
    if not args.no_write:
        output = args.output or default_output(source)
        write_result(solution, output, instance.name)
    if args.json:
        print(json.dumps(solution.summary(), indent=2))
    else:
        print(describe(solution, instance.name, output))
        print(bounds_line(solution.solver))
    return 0


def bounds_line(solver: dict) -> str:
    """``bounds: lower L, upper U (gap G) after N iterations on R ranks`` for the terminal."""
    line = f"bounds: lower {solver.get('outer_bound', float('nan')):,.6g}, plan {solver['plan_cost']:,.6g}"
    line += f" (gap {solver['gap']:.4%})"
    if solver.get("iterations") is not None:
        line += f" after {solver['iterations']} PH iterations on {solver['ranks']} ranks ({solver['cylinders']})"
    return line + f", {solver['run_time']:.1f} s"


def default_output(source: str) -> Path:
    """``<input stem>-result.xlsx`` beside a file or folder; ``<name>-result.xlsx`` here otherwise."""
    path = Path(source)
    if path.exists():
        path = path.resolve()
        return path.parent / f"{path.stem}-result.xlsx"
    return Path.cwd() / f"{source_name(source)}-result.xlsx"
