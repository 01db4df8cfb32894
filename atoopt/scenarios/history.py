"""Demand scenarios from a sales history: the periods themselves, or a fitted model.

History rows ``(period, configuration, demand)`` pivot to a matrix H (periods x I,
a missing pair is 0) scaled by the growth factor g. Either every period is an
equally likely scenario (an :class:`EmpiricalDemand` with p_t = 1/T), or each
configuration gets a distribution fitted by moments (mean_i = mean_t g H_ti,
std_i = its sample standard deviation, ddof 1) and the Gaussian copula gets the
correlation of the periods' normal scores (van der Waerden ranks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .sampling import DemandModel, EmpiricalDemand, nearest_correlation


def history_matrix(history: pd.DataFrame, configurations: list, growth: float = 1.0) -> pd.DataFrame:
    """Periods x configurations (in ``configurations`` order), missing pairs 0, times ``growth``."""
    table = history.pivot_table(index="period", columns="configuration", values="demand", aggfunc="sum", sort=False)
    return table.reindex(columns=configurations).fillna(0.0) * growth


def periods_as_scenarios(history: pd.DataFrame, configurations: list, growth: float = 1.0) -> EmpiricalDemand:
    """Each past period an equally likely scenario."""
    H = history_matrix(history, configurations, growth)
    p = np.full(len(H), 1.0 / len(H))
    return EmpiricalDemand(list(configurations), H.to_numpy(float), p, [str(t) for t in H.index])


def fit_history(history: pd.DataFrame, configurations: list, distribution: str, growth: float = 1.0) -> DemandModel:
    """A :class:`DemandModel` fitted to the history by moments, correlated by normal scores."""
    H = history_matrix(history, configurations, growth).to_numpy(float)
    T = len(H)
    means = H.mean(axis=0)
    stds = H.std(axis=0, ddof=1) if T > 1 else np.zeros(H.shape[1])
    R = normal_score_correlation(H)
    return DemandModel(list(configurations), [distribution] * H.shape[1], means, stds, R)


def normal_score_correlation(H: np.ndarray) -> np.ndarray:
    """Correlation of Phi^-1(rank / (T + 1)) per column; constant columns are uncorrelated."""
    T, n = H.shape
    R = np.eye(n)
    if T < 3:
        return R
    scores = stats.norm.ppf(stats.rankdata(H, axis=0) / (T + 1))
    varying = H.std(axis=0) > 0
    if varying.sum() > 1:
        R[np.ix_(varying, varying)] = np.corrcoef(scores[:, varying], rowvar=False)
    factor, _ = nearest_correlation(R)
    R = factor @ factor.T
    d = np.sqrt(np.diag(R))
    return R / np.outer(d, d)
