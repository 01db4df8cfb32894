"""Scenario reduction by fast forward selection (Heitsch and Roemisch, 2003).

Given scenarios xi_k (demand vectors) with probabilities p_k, keep K of them so
that the Kantorovich distance between the full and the reduced distribution,

    D_K = sum_{k deleted} p_k min_{j kept} ||xi_k - xi_j||,

is small. Forward selection adds, one at a time, the scenario u that minimises
sum_k p_k min(c_k, ||xi_k - xi_u||), with c_k the distance of xi_k to the
scenarios already kept. Each deleted scenario's probability then goes to its
nearest kept scenario (the optimal redistribution). The cost is O(K n^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

from .tables import with_demand

#: Candidate columns handled at once (bounds the n x chunk temporary).
_CHUNK = 512


@dataclass
class Reduction:
    """Which scenarios were kept, their new probabilities, and the error.

    ``distance``: the Kantorovich distance D_K (demand units); ``relative_distance``:
    D_K over the mean norm of the scenarios (how far, in share of demand, the
    reduced distribution moved); ``kept``: positions in the original scenario order.
    """

    kept: np.ndarray
    probabilities: np.ndarray
    distance: float
    relative_distance: float
    original: int

    def summary(self) -> dict:
        return {
            "scenarios_before": int(self.original),
            "scenarios_after": len(self.kept),
            "kantorovich_distance": float(self.distance),
            "relative_distance": float(self.relative_distance),
        }


def fast_forward_selection(X: np.ndarray, p: np.ndarray, K: int, metric: str = "euclidean") -> Reduction:
    """Keep ``K`` of the rows of ``X`` (n x I) with probabilities ``p`` by fast forward selection."""
    X = np.asarray(X, dtype=float)
    p = np.asarray(p, dtype=float)
    n = len(X)
    if n <= K:
        return Reduction(np.arange(n), p.copy(), 0.0, 0.0, n)
    if K < 1:
        raise ValueError("keep at least one scenario")
    C = cdist(X, X, metric=metric)
    nearest = np.full(n, np.inf)  # c_k: distance to the nearest kept scenario
    kept: list[int] = []
    free = np.ones(n, dtype=bool)
    for _ in range(K):
        scores = np.full(n, np.inf)
        for start in range(0, n, _CHUNK):
            block = slice(start, min(start + _CHUNK, n))
            scores[block] = p @ np.minimum(nearest[:, None], C[:, block])
        scores[~free] = np.inf
        u = int(np.argmin(scores))
        kept.append(u)
        free[u] = False
        nearest = np.minimum(nearest, C[:, u])
    kept_arr = np.array(sorted(kept))
    owner = kept_arr[np.argmin(C[:, kept_arr], axis=1)]
    probabilities = np.bincount(owner, weights=p, minlength=n)[kept_arr]
    distance = float(p @ C[np.arange(n), owner])
    scale = float(p @ np.linalg.norm(X, axis=1)) if metric == "euclidean" else float(p @ np.abs(X).sum(axis=1))
    return Reduction(kept_arr, probabilities, distance, distance / scale if scale > 0 else 0.0, n)


def reduce_instance(instance, K: int):
    """``(reduced instance, Reduction)``: the instance keeping ``K`` scenarios by fast forward selection."""
    a = instance.arrays
    reduction = fast_forward_selection(a.D, a.p, K)
    reduced = with_demand(instance, a.D[reduction.kept], reduction.probabilities, ids=a.S[reduction.kept])
    return reduced, reduction
