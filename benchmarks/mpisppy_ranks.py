"""Time atoopt's own solve against mpi-sppy (extensive form, PH on 2, 3 and 4 ranks), side by side.

usage: python benchmarks/mpisppy_ranks.py [SOURCE ...] [--ranks 2 3 4] [--max-iterations N]
SOURCE as for 'atoopt mpisppy' (default: example:pc_maker without its fill-rate
targets, and random:components=30,configurations=60,scenarios=120,prices=1,seed=1).
Prints one Markdown table row per run: seconds, plan cost, gap to atoopt's optimum,
mpi-sppy's bounds. Needs the optional extra 'mpi'.
"""

from __future__ import annotations

import argparse
import time

from atoopt import solve
from atoopt.scaleout import MpisppyOptions, solve_mpisppy
from atoopt.scaleout.source import open_source
from atoopt.scenario_model import without_fill_rate_targets

DEFAULT_SOURCES = ["example:pc_maker", "random:components=30,configurations=60,scenarios=120,prices=1,seed=1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", default=DEFAULT_SOURCES)
    parser.add_argument("--ranks", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--max-iterations", type=int, default=60)
    parser.add_argument("--rel-gap", type=float, default=1e-3)
    args = parser.parse_args()
    print(f"PH: rel-gap {args.rel_gap:g}, at most {args.max_iterations} iterations\n")
    print("| instance | run | seconds | ratio to atoopt solve | plan cost | above optimum | lower bound | iterations |")
    print("|---|---|---|---|---|---|---|---|")
    for source in args.sources:
        instance = without_fill_rate_targets(open_source(source))
        name = source if len(source) < 40 else source[:37] + "..."
        started = time.perf_counter()
        reference = solve(instance)
        base = time.perf_counter() - started
        optimum = reference.expected_total_cost
        row(name, "atoopt solve (HiGHS)", base, base, optimum, optimum, None, None)
        runs = [("mpi-sppy EF, 1 process", MpisppyOptions(algorithm="ef"))]
        runs += [
            (
                f"mpi-sppy PH, {n} ranks",
                MpisppyOptions(
                    algorithm="ph",
                    ranks=n,
                    max_iterations=args.max_iterations,
                    rel_gap=args.rel_gap,
                    drop_fill_rate_targets=True,
                ),
            )
            for n in args.ranks
        ]
        for label, options in runs:
            started = time.perf_counter()
            solution = solve_mpisppy(instance if options.algorithm == "ef" else source, options)
            seconds = time.perf_counter() - started
            solver = solution.solver
            row(
                name,
                label,
                seconds,
                base,
                solution.expected_total_cost,
                optimum,
                solver.get("outer_bound"),
                solver.get("iterations"),
            )


def row(name, label, seconds, base, cost, optimum, lower, iterations) -> None:
    above = (cost - optimum) / abs(optimum)
    bound = "" if lower is None else f"{lower:,.2f}"
    print(
        f"| {name} | {label} | {seconds:.1f} | {seconds / base:.1f} | {cost:,.2f} | {above:.3%} | {bound} | "
        f"{iterations or ''} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
