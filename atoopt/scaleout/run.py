"""Solve through mpi-sppy: the extensive form in this process, progressive hedging on MPI ranks.

Both hand mpi-sppy the scenario models of :mod:`atoopt.scaleout.module` (the
core's Pyomo model, one scenario each) and come back with the first-stage
stock x_j, which :func:`~atoopt.scaleout.plan.evaluate_plan` turns into the
usual :class:`~atoopt.solution.Solution` (every scenario's assembly solved at
that stock).

- Extensive form (``ef``): mpi-sppy's ``ExtensiveForm`` ties the scenario models'
  first stages together and one solver run solves it; exact, one machine.
- Progressive hedging (``ph``): mpi-sppy's ``generic_cylinders`` driver, launched
  as ``mpiexec -n N python -m mpi4py -m mpisppy.generic_cylinders ...``, runs a PH
  hub with a Lagrangian spoke (lower bound) and an xhat-shuffle spoke (feasible
  plans, upper bound), stopping at ``rel_gap`` between the two.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import AtooptError
from ..instance import Instance
from ..scenario_model import ScenarioModels, check_decomposable, without_fill_rate_targets
from ..solution import Solution
from . import module
from .plan import evaluate_plan
from .source import open_source

#: Subproblem solver for PH: Pyomo's HiGHS interface that accepts PH's quadratic proximal term.
PH_SOLVER = "highs"
#: Solver for the extensive form (Pyomo's persistent HiGHS interface; LP and MIP).
EF_SOLVER = "appsi_highs"
INSTALL_HINT = "install the optional extra: pip install 'atoopt[mpi]' (mpi-sppy, mpi4py and the MPICH wheel)"


@dataclass
class MpisppyOptions:
    """How to run mpi-sppy.

    algorithm: ``ef`` (extensive form, this process) or ``ph`` (progressive hedging on MPI ranks).
    ranks: MPI processes for ``ph`` (2: PH hub and xhat spoke; 3 or more: PH, Lagrangian and xhat).
    rho: PH penalty rho for every first-stage variable; None sets it per variable from its cost
        (mpi-sppy's SEP rho of Watson and Woodruff), times ``rho_multiplier`` (5 converged
        fastest on pc_maker among 1, 5, 20 and 50; see docs/mpi-sppy.md).
    max_iterations, rel_gap, time_limit: PH stops at the first reached (gap between the bounds).
    mip_gap: relative gap of integer (lot-size) solves (extensive form; 0 = proven optimal).
    solver: Pyomo solver name for the subproblems (default ``highs`` for PH, ``appsi_highs`` for EF).
    drop_fill_rate_targets: solve without fill-rate targets (they link scenarios).
    launcher: the MPI launch command, ``{ranks}`` replaced (``srun -n {ranks}`` on a Slurm cluster).
    extra: more mpi-sppy ``generic_cylinders`` arguments, passed as they are.
    """

    algorithm: str = "ef"
    ranks: int = 3
    rho: float | None = None
    rho_multiplier: float = 5.0
    max_iterations: int = 200
    rel_gap: float = 1e-3
    time_limit: float | None = None
    mip_gap: float = 0.0
    solver: str | None = None
    drop_fill_rate_targets: bool = False
    launcher: str = "mpiexec -n {ranks}"
    extra: list[str] = field(default_factory=list)
    verbose: bool = False


def require_mpisppy() -> str:
    """mpi-sppy's version, or an :class:`AtooptError` saying how to install it."""
    try:
        from importlib.metadata import version

        with quiet():  # mpi-sppy greets on stdout as it is imported
            import mpisppy  # noqa: F401

        return version("mpi-sppy")
    except ImportError as exc:
        raise AtooptError(f"the mpi-sppy engine needs mpi-sppy ({exc.name} is missing): {INSTALL_HINT}.") from None


def solve_mpisppy(
    instance: Instance | str, options: MpisppyOptions | None = None, source: str | None = None
) -> Solution:
    """Solve through mpi-sppy and return the plan as a :class:`Solution`.

    ``instance`` is an :class:`Instance` or a string of :func:`~atoopt.scaleout.source.open_source`;
    ``source``, the string an Instance was opened from, lets each MPI rank read it itself.
    """
    options = options or MpisppyOptions()
    engine = f"mpi-sppy {require_mpisppy()}"
    if isinstance(instance, str):
        source, instance = instance, open_source(instance)
    if options.drop_fill_rate_targets:
        instance = without_fill_rate_targets(instance)
    check_decomposable(instance)  # here, before any MPI process starts
    started = time.perf_counter()
    if options.algorithm == "ef":
        stock, report = solve_extensive_form(instance, options)
    elif options.algorithm == "ph":
        stock, report = run_progressive_hedging(instance, options, source)
    else:
        raise AtooptError(f"unknown mpi-sppy algorithm {options.algorithm!r}: choose ef or ph.")
    solver = {"engine": engine, "path": "mpisppy", "run_time": time.perf_counter() - started, **report}
    return evaluate_plan(instance, stock, solver, options.rel_gap)


@contextlib.contextmanager
def quiet(verbose: bool = False):
    """mpi-sppy's progress lines on stderr when ``verbose``, dropped otherwise (stdout stays clean)."""
    with contextlib.redirect_stdout(sys.stderr if verbose else io.StringIO()):
        yield


def solve_extensive_form(instance: Instance, options: MpisppyOptions) -> tuple[np.ndarray, dict]:
    """mpi-sppy's extensive form of the scenario models, solved in this process."""
    with quiet(options.verbose):
        return _solve_extensive_form(instance, options)


def _solve_extensive_form(instance: Instance, options: MpisppyOptions) -> tuple[np.ndarray, dict]:
    require_mpisppy()
    import pyomo.environ as pyo
    from mpisppy.opt.ef import ExtensiveForm

    models = ScenarioModels(instance)
    solver = options.solver or EF_SOLVER
    ef = ExtensiveForm(
        {"solver": solver},
        models.names,
        module.scenario_creator,
        scenario_creator_kwargs={"models": models},
        suppress_warnings=True,
    )
    solver_options = {"mip_rel_gap": options.mip_gap} if "highs" in solver else {}
    if options.time_limit and "highs" in solver:
        solver_options["time_limit"] = float(options.time_limit)
    results = ef.solve_extensive_form(solver_options=solver_options, tee=options.verbose)
    if not pyo.check_optimal_termination(results):
        condition = results.solver.termination_condition
        raise AtooptError(
            f"mpi-sppy's extensive form ended without an optimal plan ({condition}); "
            "'atoopt solve' (HiGHS alone) explains an infeasible model."
        )
    scenario = next(iter(ef.local_scenarios.values()))
    stock = np.array([pyo.value(scenario.stock[j]) for j in scenario.Components])
    objective = ef.get_objective_value()
    report = {"method": "extensive form", "solver": solver, "objective": objective}
    report.update(inner_bound=objective, outer_bound=objective)
    return stock, report


def run_progressive_hedging(
    instance: Instance, options: MpisppyOptions, source: str | None = None
) -> tuple[np.ndarray, dict]:
    """Launch mpi-sppy's hub and spokes on ``options.ranks`` MPI processes; the best plan and bounds.

    Each rank reads ``source`` (the string ``instance`` was opened from) itself;
    without one, ``instance`` is handed over in a temporary pickle file.
    """
    require_mpisppy()
    with tempfile.TemporaryDirectory(prefix="atoopt-mpisppy-") as folder:
        if source is None:
            source = str(Path(folder) / "instance.pickle")
            Path(source).write_bytes(pickle.dumps(instance))
        elif Path(source).exists():
            source = str(Path(source).resolve())
        base = str(Path(folder) / "run")
        command = ph_command(source, options, base)
        if options.verbose:
            print(" ".join(shlex.quote(part) for part in command), file=sys.stderr)
        started = time.perf_counter()
        # a hub stops at its time limit between iterations; past twice that (and start-up), give up
        timeout = 2 * options.time_limit + 120 if options.time_limit else None
        try:
            completed = subprocess.run(
                command,
                capture_output=not options.verbose,
                text=True,
                env=_mpi_env(command[0]),
                timeout=timeout,
                cwd=folder,  # mpi-sppy's spokes leave log files in the working folder
            )
        except subprocess.TimeoutExpired:
            raise AtooptError(
                f"mpi-sppy did not finish within {timeout:.0f} s (time limit {options.time_limit:g} s); "
                "run with --verbose to see where it stalls."
            ) from None
        wall = time.perf_counter() - started
        plan_file, report_file = Path(base + module.PLAN_SUFFIX), Path(base + module.REPORT_SUFFIX)
        if completed.returncode != 0 or not report_file.exists():
            log = (completed.stderr or "")[-2000:] if not options.verbose else "(see the log above)"
            raise AtooptError(f"mpi-sppy stopped with exit status {completed.returncode}:\n{log}")
        report = json.loads(report_file.read_text())
        if not plan_file.exists():
            raise AtooptError(
                f"progressive hedging found no feasible plan in {report.get('iterations')} iterations; "
                "raise --max-iterations or --time-limit."
            )
        plan = json.loads(plan_file.read_text())["stock"]
    stock = np.array([plan[str(j)] for j in instance.components.index])
    report.pop("finished", None)
    report.update(
        method="progressive hedging",
        solver=options.solver or PH_SOLVER,
        cylinders=", ".join(report.get("cylinders", [])),
        mpi_time=wall,
    )
    return stock, report


def ph_command(source: str, options: MpisppyOptions, output_base: str) -> list[str]:
    """The MPI command line that runs mpi-sppy's ``generic_cylinders`` on ``source``."""
    ranks = int(options.ranks)
    if ranks < 2:
        raise AtooptError(
            "progressive hedging with bounds needs at least 2 MPI ranks (a PH hub and a spoke "
            "finding feasible plans); use --ranks 2 or more, or --algorithm ef."
        )
    launcher = shlex.split(options.launcher.format(ranks=ranks))
    command = [*launcher, sys.executable, "-u", "-m", "mpi4py", "-m", "mpisppy.generic_cylinders"]
    command += ["--module-name", "atoopt.scaleout.module", "--instance", source, "--atoopt-output", output_base]
    command += ["--solver-name", options.solver or PH_SOLVER]
    command += ["--max-iterations", str(options.max_iterations), "--rel-gap", str(options.rel_gap)]
    if options.rho is None:
        command += ["--sep-rho", "--sep-rho-multiplier", str(options.rho_multiplier)]
    else:
        command += ["--default-rho", str(options.rho * options.rho_multiplier)]
    if options.time_limit:
        command += ["--time-limit", str(int(np.ceil(options.time_limit)))]
    if options.drop_fill_rate_targets:
        command += ["--drop-fill-rate-targets"]
    command += ["--xhatshuffle"]
    if ranks >= 3:  # each spoke gets ranks // 3 processes, the hub the rest
        spoke = ranks // 3
        ratio = f"{spoke / (ranks - 2 * spoke):.12g}"
        command += ["--lagrangian", "--lagrangian-rank-ratio", ratio, "--xhatshuffle-rank-ratio", ratio]
    return command + list(options.extra)


def _mpi_env(launcher: str) -> dict:
    """The environment of the MPI processes: this Python's scripts (the MPICH wheel's mpiexec) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if shutil.which(launcher, path=env["PATH"]) is None:
        raise AtooptError(f"cannot find the MPI launcher '{launcher}': {INSTALL_HINT}, or pass --launcher.")
    return env
