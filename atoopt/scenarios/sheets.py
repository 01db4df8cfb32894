"""The DemandModel, Correlation and History sheets: checked, then sampled into scenarios.

Called by :func:`atoopt.validation.validate` once the sheets are typed. Every
problem names its sheet, row and column; when there is none, the sampled (or
historical) scenarios become the instance's Scenarios and Demand tables, so
everything downstream works unchanged, and the model itself is kept on the
instance (``instance.demand_source``) for fresh samples (SAA, evaluation).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import Report
from .history import fit_history, periods_as_scenarios
from .sampling import DemandModel, EmpiricalDemand, nearest_correlation, parameter_problem
from .tables import scenario_tables

#: Sheets whose errors stop the sampling (their problems are reported already).
DEMAND_SHEETS = ("DemandModel", "Correlation", "History", "Settings")

#: Correlation matrices with an eigenvalue below this are rejected.
CORRELATION_TOLERANCE = -1e-9


def demand_from_sheets(typed: dict, settings: dict, report: Report):
    """``(scenarios, demand, source)`` from DemandModel or History, or None when neither is given.

    With an explicit Demand sheet too, Demand gives the scenarios and the model is
    only kept as the source of fresh samples.
    """
    configurations = list(typed["Configurations"]["configuration"])
    errors_before = len(report.errors)  # errors of other sheets do not stop the sampling
    model, history = _given(typed, "DemandModel"), _given(typed, "History")
    if model is not None and history is not None:
        report.error(
            "History",
            None,
            None,
            "both DemandModel and History are given, and only one can describe demand.",
            "delete one of the two sheets (or rename it, e.g. '_History', to keep it unread).",
        )
        return None
    if model is not None:
        source = _demand_model(model, _given(typed, "Correlation"), configurations, settings, report)
    elif history is not None:
        source = _history(history, configurations, settings, report)
    else:
        if _given(typed, "Correlation") is not None:
            report.warning("Correlation", None, None, "there is no DemandModel, so the correlations are not used.")
        return None
    if source is None or len(report.errors) > errors_before:
        return None
    if "Demand" in typed:
        report.notice(
            "DemandModel" if model is not None else "History",
            None,
            None,
            "the Demand sheet gives the scenarios; this sheet is used only for fresh samples (saa, evaluate).",
        )
        return None, None, source
    if isinstance(source, EmpiricalDemand):
        scenarios, demand = scenario_tables(source.values, configurations, source.probabilities, source.ids)
    else:
        n, seed, method = int(settings["scenarios"]), int(settings["seed"]), settings["sampling"]
        scenarios, demand = scenario_tables(source.sample(n, seed, method), configurations)
        report.notice(
            "DemandModel" if model is not None else "History",
            None,
            None,
            f"{n} demand scenarios sampled ({method}, seed {seed}); the settings scenarios, seed and sampling "
            "change them.",
        )
    return scenarios, demand, source


def _given(typed: dict, sheet: str) -> pd.DataFrame | None:
    """The typed sheet if it has rows (a template's empty sheet counts as absent)."""
    frame = typed.get(sheet)
    return None if frame is None or frame.empty else frame


def _demand_model(model: pd.DataFrame, correlation, configurations, settings, report) -> DemandModel | None:
    for row, dist, mean, std in zip(model.index, model["distribution"], model["mean"], model["std"]):
        if dist == "poisson" and not math.isnan(std) and not math.isclose(std, math.sqrt(mean), rel_tol=1e-6):
            report.warning(
                "DemandModel",
                row,
                "std",
                f"a poisson distribution's std is sqrt(mean) = {math.sqrt(mean):.4g}; the {std:g} given is ignored.",
                "leave std blank, or choose negative_binomial for a std above sqrt(mean).",
            )
        problem = parameter_problem(dist, mean, None if math.isnan(std) else std)
        if problem:
            report.error(
                "DemandModel",
                row,
                "std",
                problem,
                "enter a std that fits the distribution, or choose another distribution.",
            )
    missing = [c for c in configurations if c not in set(model["configuration"])]
    if missing:
        report.notice(
            "DemandModel",
            None,
            "configuration",
            f"{len(missing)} configurations have no row ({', '.join(map(str, missing[:5]))}"
            f"{', ...' if len(missing) > 5 else ''}): their demand is zero.",
            "add a row for each configuration that sells.",
        )
    rows = model.drop_duplicates("configuration").set_index("configuration").reindex(configurations)
    rows["distribution"] = rows["distribution"].fillna("normal")
    rows["mean"] = rows["mean"].fillna(0.0)
    R = _correlation(correlation, configurations, float(settings.get("demand_correlation") or 0.0), report)
    return DemandModel(configurations, list(rows["distribution"]), rows["mean"].to_numpy(), rows["std"].to_numpy(), R)


def _correlation(table, configurations, share: float, report: Report) -> np.ndarray:
    """R = share 11^T + (1 - share) I, with the Correlation sheet's pairs written over it."""
    n = len(configurations)
    R = share * np.ones((n, n)) + (1.0 - share) * np.eye(n)
    if table is None:
        return R
    position = {c: k for k, c in enumerate(configurations)}
    for row, a, b, rho in zip(table.index, table["configuration"], table["other"], table["correlation"]):
        if a not in position or b not in position:
            continue  # an unknown configuration, reported by the reference check
        if a == b:
            report.error(
                "Correlation", row, "other", f"'{a}' is correlated with itself.", "name two different configurations."
            )
            continue
        R[position[a], position[b]] = R[position[b], position[a]] = rho
    smallest = nearest_correlation(R)[1]
    if smallest < CORRELATION_TOLERANCE:
        report.error(
            "Correlation",
            None,
            "correlation",
            f"these correlations cannot all hold together (the matrix has eigenvalue {smallest:.3g} < 0).",
            "make them less extreme, e.g. a strong positive correlation of a with both b and c "
            "needs b and c positively correlated too.",
        )
    return R


def _history(history: pd.DataFrame, configurations, settings, report) -> DemandModel | EmpiricalDemand | None:
    growth = float(settings.get("growth", 1.0))
    if settings.get("history_use") != "fit":
        return periods_as_scenarios(history, configurations, growth)
    distribution = settings.get("history_distribution") or "normal"
    model = fit_history(history, configurations, distribution, growth)
    for name, mean, std in zip(configurations, model.means, model.stds):
        problem = parameter_problem(distribution, mean, std)
        if problem:
            report.error(
                "History",
                None,
                "demand",
                f"history_distribution {distribution} does not fit the history of '{name}' "
                f"(mean {mean:.4g}, std {std:.4g}): {problem}",
                "choose another history_distribution in Settings (normal fits any history).",
            )
    return model
