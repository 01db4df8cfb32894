"""Run every case of a study: in parallel, reusing one HiGHS model per worker, cached.

The instance is parsed once and sent once to each worker (a process of a
:class:`concurrent.futures.ProcessPoolExecutor`, or a Dask worker). A worker
solves the cases it is given one after another on a :class:`PersistentLP`, so
each case starts from the previous case's optimal basis. Finished cases go to
the :class:`~atoopt.studies.cache.CaseCache` at once; a case that fails or has no
feasible plan is reported in its record and the others go on.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field

from ..errors import AtooptError
from ..highs import run_highs
from ..instance import Instance
from ..matrix import build_matrix
from ..solution import Solution
from ..solve import SolveOptions, solve
from .cache import CaseCache, case_key, instance_digest
from .definition import Case, Study
from .overrides import apply_case, check_study
from .persistent import PersistentLP

#: Rough cost of starting worker processes (each imports atoopt, pandas, Pyomo, HiGHS).
POOL_STARTUP_SECONDS = 3.0

#: How long to keep trying to reach a Dask scheduler.
DASK_CONNECT_SECONDS = 20


@dataclass(frozen=True)
class CaseSettings:
    """How each case is solved.

    ``time_limit`` and ``mip_gap`` override the Settings sheet (None: take it);
    ``threads`` are HiGHS threads per case (1: the cores go to parallel cases);
    ``reuse`` keeps one warm HiGHS model per worker (False: every case cold).
    """

    time_limit: float | None = None
    mip_gap: float | None = None
    threads: int = 1
    reuse: bool = True

    def cache_key(self) -> dict:
        """What changes a case's answer (``reuse`` and ``threads`` do not)."""
        return {"time_limit": self.time_limit, "mip_gap": self.mip_gap}


@dataclass
class StudyRun:
    """Records of every case (in study order) and how the run went."""

    records: list[dict]
    solved: int
    cached: int
    seconds: float
    workers: str
    cold_seconds: float | None = None
    cold_records: list[dict] = field(default_factory=list)

    @property
    def speedup(self) -> float | None:
        """Cold, one-by-one solving time over this run's time (both solving every case)."""
        if self.cold_seconds is None or self.cached or self.seconds <= 0:
            return None
        return self.cold_seconds / self.seconds


# -- one case ------------------------------------------------------------------------


def solve_case(instance: Instance, case: Case, settings: CaseSettings, persistent: PersistentLP | None) -> dict:
    """The record of one case: status, costs, fill rates, stock (never raises)."""
    started = time.perf_counter()
    how, iterations = "cold", None
    try:
        changed, notes = apply_case(instance, case)
        options = SolveOptions(  # HiGHS' own choice (simplex here), as the warm solves: like compared with like
            time_limit=settings.time_limit, mip_gap=settings.mip_gap, threads=settings.threads, method="choose"
        )
        highs_options = options.for_highs(changed)
        model = build_matrix(changed)
        if persistent is not None:
            result, how = persistent.solve(model.lp, highs_options)
        else:
            result = run_highs(model.lp, highs_options)
        iterations = result.iterations.get("simplex")
        if result.has_plan:
            stock, assemble, dual = model.plan(changed, result)
            solution = Solution.from_plan(changed, stock, assemble, dual, result.status, result.message)
        elif result.status == "infeasible":
            solution = solve(changed, options)  # the reference path names what conflicts
        else:
            solution = Solution.without_plan(result.status, result.message)
        record = case_record(case, solution, notes)
    except AtooptError as exc:
        record = case_record(case, Solution.without_plan("error", str(exc)), [])
    except Exception as exc:  # one broken case must not stop the study
        record = case_record(case, Solution.without_plan("error", f"{type(exc).__name__}: {exc}"), [])
    record["how"] = how
    record["simplex_iterations"] = iterations
    record["seconds"] = time.perf_counter() - started
    return record


def case_record(case: Case, solution: Solution, notes: list[str]) -> dict:
    """A case's outcome as plain JSON-ready data (the cache and the report read it)."""
    summary = solution.summary()
    record = {
        "case": case.name,
        "changes": case.describe(),
        "status": solution.status,
        "message": solution.message,
        "notes": list(notes),
        "conflicts": list(solution.conflicts),
        "expected_total_cost": summary["expected_total_cost"],
    }
    if solution.has_plan:
        confs, comps = solution.configurations, solution.components
        demand = float(confs["expected_demand"].sum())
        record.update(
            costs=summary["cost_breakdown"],
            fill_rate=summary["fill_rate"],
            stock=summary["stock"],
            order=summary["order"],
            service=float(confs["expected_assembled"].sum()) / demand if demand > 0 else None,
            inventory_units=float(comps["stock"].sum()),
            inventory_value=float((comps["unit_cost"] * comps["stock"]).sum()),
        )
    return record


# -- workers -------------------------------------------------------------------------

_WORKER: dict = {}
_LOCAL = threading.local()


def _persistent(owner: object) -> PersistentLP:
    """This thread's warm model for ``owner`` (an instance), made on first use."""
    models = getattr(_LOCAL, "models", None)
    if models is None or models[0] is not owner:
        _LOCAL.models = (owner, PersistentLP())
    return _LOCAL.models[1]


def _init_worker(instance: Instance, settings: CaseSettings) -> None:
    _WORKER.update(instance=instance, settings=settings)


def _pool_task(cases: list[Case]) -> list[dict]:
    instance, settings = _WORKER["instance"], _WORKER["settings"]
    persistent = _persistent(instance) if settings.reuse else None
    return [solve_case(instance, case, settings, persistent) for case in cases]


def _dask_task(instance: Instance, case: Case, settings: CaseSettings) -> list[dict]:
    return [solve_case(instance, case, settings, _persistent(instance) if settings.reuse else None)]


def _runs(cases: list[Case], jobs: int) -> list[list[Case]]:
    """Consecutive cases in runs, about four per worker: each warm start follows the study's
    order (the nearest case), and a stopped study loses only the runs under way."""
    size = max(1, math.ceil(len(cases) / (4 * jobs)))
    return [cases[k : k + size] for k in range(0, len(cases), size)]


# -- the study -----------------------------------------------------------------------


def run_study(
    instance: Instance,
    study: Study,
    settings: CaseSettings | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    cache: CaseCache | None = None,
    progress: bool | None = None,
) -> StudyRun:
    """Solve every case not in ``cache``; records come back in the study's order.

    ``jobs``: worker processes (1 solves in this process; default: one per core, once the
    first case shows the rest would take longer than starting them, ``POOL_STARTUP_SECONDS``);
    ``scheduler``: a Dask scheduler address (``tcp://host:port``) to run on instead.
    """
    settings = settings or CaseSettings()
    check_study(study, instance)
    digest = instance_digest(instance)
    keys = {case.name: case_key(digest, case, settings.cache_key()) for case in study.cases}
    done: dict[str, dict] = {}
    for case in study.cases:
        hit = cache.get(keys[case.name]) if cache is not None else None
        if hit is not None:
            done[case.name] = {**hit, "case": case.name, "changes": case.describe(), "how": "cached"}
    pending = [case for case in study.cases if case.name not in done]
    bar = ProgressBar(len(study.cases), len(done), enabled=progress)

    def finished(record: dict) -> None:
        record["key"] = keys[record["case"]]
        if cache is not None:
            cache.put(record)
        done[record["case"]] = record
        bar.advance(record["status"])

    started = time.perf_counter()
    persistent = PersistentLP() if settings.reuse else None
    here = list(pending)
    if scheduler:
        workers = _run_dask(scheduler, instance, settings, pending, finished)
        here = []
    elif jobs is None and len(pending) > 1:  # auto: measure one case, start workers only if they pay off
        finished(solve_case(instance, here.pop(0), settings, persistent))
        estimate = done[pending[0].name]["seconds"] * len(here)
        workers = f"this process (all {len(pending)} cases in about {estimate:.1f} s: workers would not pay off)"
        if estimate > POOL_STARTUP_SECONDS and (os.cpu_count() or 1) > 1:
            workers = _run_pool(min(os.cpu_count(), len(here)), instance, settings, here, finished)
            here = []
    elif jobs is not None and jobs > 1 and len(pending) > 1:
        workers = _run_pool(min(jobs, len(pending)), instance, settings, pending, finished)
        here = []
    else:
        workers = "this process"
    for case in here:
        finished(solve_case(instance, case, settings, persistent))
    seconds = time.perf_counter() - started
    bar.close()
    records = [done[case.name] for case in study.cases]
    return StudyRun(
        records, solved=len(pending), cached=len(study.cases) - len(pending), seconds=seconds, workers=workers
    )


def solve_cold(instance: Instance, cases: Iterable[Case], settings: CaseSettings | None = None) -> tuple[float, list]:
    """Seconds to solve each case alone, one after another, every model built and solved afresh."""
    settings = CaseSettings(**{**asdict(settings or CaseSettings()), "reuse": False})
    started = time.perf_counter()
    records = [solve_case(instance, case, settings, None) for case in cases]
    return time.perf_counter() - started, records


def _run_pool(jobs: int, instance: Instance, settings: CaseSettings, cases: list[Case], finished: Callable) -> str:
    """Cases on ``jobs`` fresh processes (forkserver: no solver state is inherited by a fork)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(instance, settings)) as pool:
        futures = {pool.submit(_pool_task, run): run for run in _runs(cases, jobs)}
        for future in as_completed(futures):
            for record in _outcome(future, futures[future]):
                finished(record)
    return f"{jobs} processes"


def _run_dask(address: str, instance: Instance, settings: CaseSettings, cases: list[Case], finished: Callable) -> str:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise AtooptError(
            "running a study on a Dask cluster needs dask[distributed], which is not installed. "
            "Install it with: pip install 'atoopt[cluster]' (on the workers too)."
        ) from None
    try:
        client = Client(address, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise AtooptError(
            f"could not reach the Dask scheduler at {address} ({exc}). "
            "Check the address (tcp://host:port) and that the scheduler is running."
        ) from None
    with client:
        shared = client.scatter(instance, broadcast=True)
        futures = {client.submit(_dask_task, shared, case, settings, pure=False): [case] for case in cases}
        for future in dask_completed(list(futures)):
            for record in _outcome(future, futures[future]):
                finished(record)
        n = len(client.scheduler_info()["workers"])
    return f"Dask cluster {address} ({n} workers)"


def _outcome(future, cases: list[Case]) -> list[dict]:
    """The future's records, or an error record per case if its worker died."""
    try:
        return future.result()
    except Exception as exc:
        failed = Solution.without_plan("error", f"the worker failed: {exc}")
        return [{**case_record(case, failed, []), "how": "failed", "seconds": math.nan} for case in cases]


class ProgressBar:
    """``[#####.....] 12/20 cases (3 from cache, 1 without a plan)`` on stderr, when it is a terminal."""

    def __init__(self, total: int, done: int = 0, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.done, self.cached, self.failed = total, done, done, 0
        self.started = time.perf_counter()
        self._draw()

    def advance(self, status: str) -> None:
        self.done += 1
        self.failed += status != "optimal"
        self._draw()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        extra = [f"{self.cached} from cache"] if self.cached else []
        extra += [f"{self.failed} without a plan"] if self.failed else []
        elapsed = time.perf_counter() - self.started
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} cases"
            + (f" ({', '.join(extra)})" if extra else "")
            + f" {elapsed:.1f}s"
        )
        self.stream.flush()
