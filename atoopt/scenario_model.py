"""One scenario of the stochastic program as its own Pyomo model.

Decomposition engines (mpi-sppy's progressive hedging, its extensive form of
scenario blocks) want one model per scenario s: the first stage (``order`` q_j,
``lots`` n_j, ``FirstStageCost``) and that scenario's second stage
(``assemble`` z_is, ``SecondStageCost[s]``). :class:`ScenarioModels` builds it
with the core's :func:`~atoopt.model.build_model` on the instance restricted to
s with probability 1, so the scenario model is the extensive form's own rows for
s, nothing re-written; the engine weights it by p_s.

A fill-rate target, sum_s p_s z_is >= f_i sum_s p_s d_is, sums over every
scenario: it has no per-scenario form, so :func:`check_decomposable` refuses an
instance that has one (:func:`without_fill_rate_targets` drops them on request).
Every other constraint is per scenario (availability, assembly resources) or on
the first stage only (stock bounds, lots, budget, storage), and decomposes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyomo.environ as pyo

from .errors import AtooptError
from .instance import Instance
from .model import build_model


class NotDecomposableError(AtooptError):
    """The instance has a constraint that links scenarios (a fill-rate target)."""

    exit_code = 2


def fill_rate_targets(instance: Instance) -> list[str]:
    """Configurations with a fill-rate target f_i > 0 (the constraints that link scenarios)."""
    f = instance.configurations["fill_rate_target"]
    return [str(i) for i in f.index[f.notna() & (f > 0)]]


def check_decomposable(instance: Instance) -> None:
    """Raise :class:`NotDecomposableError` when a constraint links scenarios."""
    targets = fill_rate_targets(instance)
    if targets:
        raise NotDecomposableError(
            f"{instance.name or 'the instance'}: the fill-rate target of {', '.join(map(repr, targets))} "
            "(Configurations sheet, column fill_rate_target) links all scenarios: the expected number "
            "assembled is a sum over every scenario, so it has no per-scenario form for mpi-sppy. "
            "Fix: solve it with 'atoopt solve' (HiGHS on the whole extensive form), or clear the "
            "targets and raise shortage_cost instead, or pass --drop-fill-rate-targets to solve "
            "without them."
        )


def without_fill_rate_targets(instance: Instance) -> Instance:
    """The same instance with every fill-rate target removed."""
    configurations = instance.configurations.assign(fill_rate_target=np.nan)
    return dataclasses.replace(instance, configurations=configurations)


class ScenarioModels:
    """Builds the one-scenario models of an instance (the demand is grouped once).

    ``ScenarioModels(instance)(s)`` is the Pyomo model of scenario ``s``;
    :attr:`probability` maps each scenario to p_s.
    """

    def __init__(self, instance: Instance):
        check_decomposable(instance)
        self.instance = instance
        self.names: list[str] = [str(s) for s in instance.scenarios.index]
        self.probability: dict[str, float] = dict(
            zip(self.names, instance.scenarios["probability"].to_numpy(dtype=float))
        )
        self._position = {s: n for n, s in enumerate(self.names)}
        self._demand = {str(s): rows for s, rows in instance.demand.groupby("scenario", sort=False)}
        self._empty_demand = instance.demand.iloc[:0]
        self.order_cap = implied_order_cap(instance)

    def instance_of(self, scenario: str) -> Instance:
        """The instance holding only ``scenario``, with probability 1."""
        if scenario not in self._position:
            raise AtooptError(
                f"there is no scenario {scenario!r} in {self.instance.name or 'the instance'}; "
                f"its scenarios are {', '.join(self.names[:5])}{' ...' if len(self.names) > 5 else ''}"
            )
        position = self._position[scenario]
        scenarios = self.instance.scenarios.iloc[position : position + 1].assign(probability=1.0)
        demand = self._demand.get(scenario, self._empty_demand)
        return dataclasses.replace(self.instance, scenarios=scenarios, demand=demand)

    def __call__(self, scenario: str) -> pyo.ConcreteModel:
        """The model of one scenario: ``TotalCost`` = ``FirstStageCost`` + ``SecondStageCost[s]``."""
        model = build_model(self.instance_of(scenario))
        model.name = scenario
        for j, cap in self.order_cap.items():
            model.order[j].setub(cap if model.order[j].ub is None else min(cap, model.order[j].ub))
        return model


def implied_order_cap(instance: Instance) -> dict[str, float]:
    """Bound on q_j no optimal plan exceeds: up to the largest requirement of any scenario.

    q_j <= max(max_s sum_i a_ij d_is, min_stock_j) - on_hand_j, rounded up to whole
    lots L_j; only where stocking one more unit costs something (c_j + h_j >= v_j).
    """
    a = instance.arrays
    requirement = np.asarray(a.D @ a.A).max(axis=0) if len(a.S) else np.zeros(len(a.J))
    cap = np.maximum(np.fmax(requirement, a.min_stock) - a.on_hand, 0.0)
    lots = ~np.isnan(a.lot_size)
    cap[lots] = np.ceil(cap[lots] / a.lot_size[lots] - 1e-9) * a.lot_size[lots]
    costly = a.c + a.h >= a.v
    return {str(j): float(q) for j, q, keep in zip(a.J, cap, costly) if keep}
