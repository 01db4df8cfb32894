"""Speed-up of a what-if study from reuse (warm persistent model) and parallel workers.

    python benchmarks/whatif_speedup.py [--scenarios 40] [--jobs 2]

Solves the same study (the base case and a 5 x 4 grid: shortage cost x0.5..2.5,
demand x0.8..1.1, on the bundled PC maker with the given number of scenarios)
five ways, one after another in one run, and prints a Markdown table of seconds
and ratios against solving each case cold, one by one:

- Pyomo path per case: build the Pyomo model of each case, compile, solve (as
  ``atoopt solve`` does for one workbook, the parsing left out);
- cold, one by one: ``build_matrix`` and a fresh HiGHS per case, in this process;
- warm, this process: one persistent HiGHS model, each case from the last basis;
- cold, N processes; warm, N processes (timed after a first, separately timed
  pool has started the forkserver, a cost paid once per ``atoopt whatif``).

Each way's time is the whole call (parsing aside: overrides, builds, solves and
results included), the fastest of ``--repeat`` rounds run in turn, as machines
shared with other work are noisy. Every way must agree with the first on every case's expected total cost.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

from atoopt import solve
from atoopt.examples import pc_maker
from atoopt.studies.definition import Study, parse_sweep, sweep_cases
from atoopt.studies.overrides import apply_case
from atoopt.studies.runner import CaseSettings, run_study, solve_cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each way's fastest counts")
    args = parser.parse_args()
    instance = pc_maker(scenarios=args.scenarios)
    study = Study()
    study.add(sweep_cases([parse_sweep("shortage_cost=x0.5:2.5:5"), parse_sweep("demand=x0.8:1.1:4")]))
    cases = study.cases

    started = time.perf_counter()  # the first pool of a run starts the forkserver: timed apart
    run_study(instance, Study(cases[:2]), CaseSettings(reuse=False), jobs=args.jobs, progress=False)
    startup = time.perf_counter() - started

    def pyomo_path():
        return [solve(apply_case(instance, case)[0]).expected_total_cost for case in cases]

    def study_run(jobs: int, reuse: bool):
        return lambda: _costs(run_study(instance, study, CaseSettings(reuse=reuse), jobs=jobs, progress=False).records)

    ways = {
        "Pyomo path per case": pyomo_path,
        "cold, one by one": lambda: _costs(solve_cold(instance, cases)[1]),
        "warm, this process": study_run(1, True),
        f"cold, {args.jobs} processes": study_run(args.jobs, False),
        f"warm, {args.jobs} processes": study_run(args.jobs, True),
    }
    timings: dict[str, tuple[float, list[float]]] = {}
    for _ in range(args.repeat):  # rounds of every way in turn; the fastest round of each counts
        for label, way in ways.items():
            started = time.perf_counter()
            costs = way()
            seconds = time.perf_counter() - started
            if label not in timings or seconds < timings[label][0]:
                timings[label] = (seconds, costs)

    reference = timings["Pyomo path per case"][1]
    cold = timings["cold, one by one"][0]
    print(f"PC maker, {args.scenarios} scenarios, {len(cases)} cases, fastest of {args.repeat} rounds\n")
    print("| how | seconds | speed-up against cold, one by one | largest relative cost difference |")
    print("|---|---|---|---|")
    for label, (seconds, costs) in timings.items():
        worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(costs, reference))
        print(f"| {label} | {seconds:.2f} | {cold / seconds:.2f}x | {worst:.1e} |")
    print(f"\nStarting the worker processes (once per run, 2 cases solved): {startup:.2f} s")
    print(
        f"Parallel capacity free at the time: {_free_parallelism(args.jobs):.2f}x "
        f"(pure-Python work on {args.jobs} processes against one)"
    )


def _burn(n: int) -> int:
    total = 0
    for k in range(n):
        total += k * k
    return total


def _free_parallelism(jobs: int) -> float:
    """How much faster ``jobs`` processes do plain CPU work than one, on this machine now."""
    work = [3_000_000] * (2 * jobs)
    started = time.perf_counter()
    for n in work:
        _burn(n)
    serial = time.perf_counter() - started
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_burn, work[:jobs]))  # start the processes before timing
        started = time.perf_counter()
        list(pool.map(_burn, work))
        return serial / (time.perf_counter() - started)


def _costs(records: list[dict]) -> list[float]:
    return [r["expected_total_cost"] for r in records]


if __name__ == "__main__":
    main()
