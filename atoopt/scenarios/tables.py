"""Demand matrices turned into an instance's Scenarios and Demand tables, and back."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd


def scenario_tables(
    D: np.ndarray, configurations, probabilities: np.ndarray | None = None, ids=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scenarios (index ``scenario``: probability, description) and long-form Demand of ``D`` (S x I).

    Scenario ids are ``s1 ... sS`` unless ``ids`` are given; zero demand pairs are left out.
    """
    S = len(D)
    ids = [f"s{n + 1}" for n in range(S)] if ids is None else [str(s) for s in ids]
    p = np.full(S, 1.0 / S) if probabilities is None else np.asarray(probabilities, dtype=float)
    scenarios = pd.DataFrame({"probability": p, "description": ""}, index=pd.Index(ids, name="scenario"))
    s, i = np.nonzero(D)
    demand = pd.DataFrame(
        {
            "scenario": np.asarray(ids, dtype=object)[s],
            "configuration": np.asarray(list(configurations), dtype=object)[i],
            "demand": D[s, i],
        }
    )
    return scenarios, demand


def with_demand(instance, D: np.ndarray, probabilities: np.ndarray | None = None, ids=None, **changes):
    """A copy of ``instance`` whose scenarios are the rows of ``D`` (S x I, configurations in instance order).

    Everything else (costs, BOM, settings, the demand source) is kept; ``changes``
    replace other fields (e.g. ``settings``).
    """
    scenarios, demand = scenario_tables(D, instance.arrays.I, probabilities, ids)
    return dataclasses.replace(instance, scenarios=scenarios, demand=demand, **changes)


def with_settings(instance, **settings):
    """A copy of ``instance`` with some settings changed."""
    return dataclasses.replace(instance, settings={**instance.settings, **settings})


def demand_source(instance):
    """Where fresh demand samples come from: the instance's DemandModel or History, else its own scenarios."""
    from .sampling import EmpiricalDemand

    source = getattr(instance, "demand_source", None)
    if source is not None:
        return source
    a = instance.arrays
    return EmpiricalDemand(list(a.I), a.D, a.p)


def source_tables(instance) -> dict[str, pd.DataFrame]:
    """The DemandModel and Correlation sheets of an instance's demand model (empty for other sources)."""
    from .sampling import DemandModel

    model = getattr(instance, "demand_source", None)
    if not isinstance(model, DemandModel):
        return {}
    table = pd.DataFrame(
        {"configuration": model.configurations, "distribution": model.distributions, "mean": model.means}
    ).assign(std=model.stds)
    R = model.correlation if model.correlation is not None else np.eye(model.dimension)
    a, b = np.triu_indices(model.dimension, k=1)
    names = np.asarray(model.configurations, dtype=object)
    pairs = pd.DataFrame({"configuration": names[a], "other": names[b], "correlation": R[a, b]})
    return {"DemandModel": table, "Correlation": pairs[pairs["correlation"] != 0]}
