"""The mpi-sppy model module of atoopt: any atoopt instance as mpi-sppy scenarios.

mpi-sppy's drivers load a module holding ``scenario_creator``,
``scenario_names_creator``, ``kw_creator``, ``inparser_adder`` and
``scenario_denouement`` (the protocol of mpi-sppy's ``examples/farmer/farmer.py``).
This is that module; ``models/atoopt_mpisppy.py`` is the file to point mpi-sppy at::

    mpiexec -n 3 python -m mpi4py -m mpisppy.generic_cylinders \\
        --module-name models/atoopt_mpisppy --instance instances/smoothie_bar.xlsx \\
        --solver-name appsi_highs --default-rho 1 --max-iterations 100 \\
        --lagrangian --xhatshuffle --rel-gap 1e-4

Each scenario model is the core's :func:`~atoopt.model.build_model` on the
instance restricted to that scenario (:class:`~atoopt.scenario_model.ScenarioModels`);
the order quantities ``order`` q_j (and whole lots ``lots`` n_j, and with a
``cvar_weight`` the value-at-risk ``cvar_threshold`` eta, whose CVaR term
eta + e_s / (1 - alpha) is then a per-scenario cost) are the nonanticipative
first stage with cost ``FirstStageCost``; p_s is the scenario's
``_mpisppy_probability``. Each process reads its instance once (a module-level
cache keyed by the ``--instance`` string).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyomo.environ as pyo

from ..errors import AtooptError
from ..scenario_model import ScenarioModels, without_fill_rate_targets
from .source import open_source

#: Scenario models per (instance source, targets dropped), built once per process.
_CACHE: dict[tuple[str, bool], ScenarioModels] = {}
#: The key of the instance the last ``kw_creator`` call named (for ``scenario_names_creator``).
_CURRENT: list[tuple[str, bool]] = []
#: Filled by ``scenario_denouement``: scenario -> second-stage cost at the final plan.
SECOND_STAGE_COST: dict[str, float] = {}

#: How ``custom_writer`` names its outputs beside ``--atoopt-output BASE``.
PLAN_SUFFIX, REPORT_SUFFIX = "-plan.json", "-report.json"


def scenario_models(source: str, drop_fill_rate_targets: bool = False) -> ScenarioModels:
    """The (cached) scenario models of the instance named by ``source``."""
    key = (str(source), bool(drop_fill_rate_targets))
    if key not in _CACHE:
        instance = open_source(key[0])
        if drop_fill_rate_targets:
            instance = without_fill_rate_targets(instance)
        _CACHE[key] = ScenarioModels(instance)
    return _CACHE[key]


def inparser_adder(cfg) -> None:
    """Add atoopt's options to mpi-sppy's configuration (``--instance`` and friends)."""
    cfg.add_to_config(
        "instance",
        description="atoopt instance: a workbook (.xlsx), a folder of CSV files, example:NAME, "
        "or random:components=N,configurations=N,scenarios=N[,seed=N,...]",
        domain=str,
        default=None,
        argparse_args={"required": True},
    )
    cfg.add_to_config(
        "drop_fill_rate_targets",
        description="solve without the fill-rate targets (they link scenarios and cannot be decomposed)",
        domain=bool,
        default=False,
    )
    cfg.add_to_config(
        "atoopt_output",
        description="write the plan to BASE-plan.json and bounds and timings to BASE-report.json",
        domain=str,
        default=None,
    )
    cfg.num_scens_optional()


def kw_creator(cfg) -> dict:
    """Keyword arguments of :func:`scenario_creator`; reads the instance (once per process)."""
    kwargs = {
        "source": cfg.instance,
        "drop_fill_rate_targets": bool(cfg.get("drop_fill_rate_targets", False)),
        "num_scens": cfg.get("num_scens"),
    }
    key = (str(kwargs["source"]), kwargs["drop_fill_rate_targets"])
    scenario_models(*key)
    _CURRENT[:] = [key]
    return kwargs


def scenario_names_creator(num_scens: int | None, start: int | None = None) -> list[str]:
    """The instance's scenario ids: all of them (``num_scens`` None) or ``num_scens`` from ``start``."""
    if not _CURRENT:
        raise AtooptError("scenario_names_creator needs an instance: call kw_creator(cfg) first (--instance).")
    names = _CACHE[_CURRENT[0]].names
    start = start or 0
    stop = len(names) if num_scens is None else start + num_scens
    if stop > len(names):
        raise AtooptError(f"asked for scenarios {start}..{stop - 1}, but the instance has {len(names)}.")
    return names[start:stop]


def scenario_creator(
    scenario_name: str,
    source: str | None = None,
    drop_fill_rate_targets: bool = False,
    num_scens: int | None = None,
    models: ScenarioModels | None = None,
) -> pyo.ConcreteModel:
    """The Pyomo model of one scenario, its first stage attached as mpi-sppy's ROOT node.

    Either ``source`` (an instance string, read once per process) or ``models``
    (already built, for use inside one Python process). With ``num_scens`` only
    the first ``num_scens`` scenarios are used and their probabilities rescaled
    to sum to one.
    """
    from mpisppy.utils import sputils

    if models is None:
        if source is None:
            raise AtooptError("scenario_creator needs source= (an instance) or models=.")
        models = scenario_models(source, drop_fill_rate_targets)
    model = models(scenario_name)
    first_stage = [model.order] + ([model.lots] if len(model.LotComponents) else [])
    if hasattr(model, "cvar_threshold"):  # CVaR: eta is decided before demand, one for all scenarios
        first_stage.append(model.cvar_threshold)
    sputils.attach_root_node(model, model.FirstStageCost, first_stage)
    names = models.names if num_scens is None else models.names[:num_scens]
    model._mpisppy_probability = models.probability[scenario_name] / sum(models.probability[s] for s in names)
    return model


def scenario_denouement(rank: int, scenario_name: str, scenario: pyo.ConcreteModel) -> None:
    """Record the scenario's second-stage cost at the final plan in :data:`SECOND_STAGE_COST`."""
    SECOND_STAGE_COST[scenario_name] = pyo.value(scenario.SecondStageCost[scenario_name], exception=False)


def custom_writer(solved, cfg) -> None:
    """With ``--atoopt-output BASE``: the plan and the bounds as JSON, for ``atoopt mpisppy``.

    Called by mpi-sppy's ``generic_cylinders`` on every rank after the extensive
    form (``solved`` an ``ExtensiveForm``) or the hub and spokes (a ``WheelSpinner``).
    BASE-plan.json holds the stock x_j of the best plan found, written by the
    cylinder that found it; BASE-report.json the bounds, written by global rank 0.
    """
    base = cfg.get("atoopt_output")
    if not base:
        return
    if hasattr(solved, "get_root_solution"):  # ExtensiveForm: one process holds everything
        model = next(iter(solved.local_scenarios.values()))
        _write_json(Path(base + PLAN_SUFFIX), _plan(model))
        objective = solved.get_objective_value()
        _write_json(
            Path(base + REPORT_SUFFIX),
            {"method": "ef", "objective": objective, "inner_bound": objective, "outer_bound": objective},
        )
        return
    solved.write_first_stage_solution(base + PLAN_SUFFIX, first_stage_solution_writer=_plan_writer)
    if solved.spcomm.global_rank == 0:
        opt = solved.spcomm.opt
        _write_json(
            Path(base + REPORT_SUFFIX),
            {
                "method": "ph",
                "inner_bound": solved.BestInnerBound,
                "outer_bound": solved.BestOuterBound,
                "iterations": getattr(opt, "_PHIter", None),
                "ranks": solved.spcomm.fullcomm.Get_size(),
                "cylinders": [d["spcomm_class"].__name__ for d in solved.spcomm.communicators],
                "finished": time.time(),
            },
        )


def _plan(model: pyo.ConcreteModel) -> dict:
    return {"stock": {str(j): pyo.value(model.stock[j]) for j in model.Components}}


def _plan_writer(file_name: str, scenario: pyo.ConcreteModel, bundling: bool) -> None:
    """mpi-sppy's first-stage solution writer hook, writing :func:`_plan` as JSON."""
    _write_json(Path(file_name), _plan(scenario))


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, indent=2, default=float) + "\n")
