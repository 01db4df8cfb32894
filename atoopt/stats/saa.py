"""Sample average approximation with statistical bounds (Mak, Morton and Wood, 1999).

For the true problem z* = min_x E[C(x, d)]:

- Lower bound. Solve M independent SAA problems of N scenarios each, with optimal
  values v_N^1..v_N^M. Since E[v_N] <= z*, L = mean_m v_N^m estimates a lower bound;
  its one-sided limit is L - t_{M-1, 1-a} s_L / sqrt(M).
- Upper bound. A candidate plan x^ (the SAA plan of an independent sample of
  N_c scenarios) evaluated on a fresh sample of n_U scenarios: U = mean C(x^, d),
  with one-sided limit U + z_{1-a} s_U / sqrt(n_U). E[U] = f(x^) >= z*.
- Optimality gap of x^. The independent-bounds interval [0, (U - L)^+ + z s_U / sqrt(n_U)
  + t s_L / sqrt(M)], and the multiple-replications procedure of Mak, Morton and Wood
  with common random numbers: G_m = f_N^m(x^) - v_N^m >= 0 on each replication's own
  scenarios, interval [0, mean G + t_{M-1, 1-a} s_G / sqrt(M)], usually much tighter.
- z* itself lies in [L - t s_L / sqrt(M), U + z s_U / sqrt(n_U)] with probability at
  least 1 - a (each side at a / 2).

Target-gap mode doubles N (and N_c) until the gap's upper limit relative to |U| is
at most the target, or N would pass a limit. Bounds are for the risk-neutral
expected cost; fill-rate targets are imposed in every SAA problem and reported
(not imposed) out of sample.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import AtooptError
from ..highs import HighsOptions, run_highs
from ..matrix import build_matrix
from ..scenarios.tables import demand_source, with_demand, with_settings
from .evaluate import Evaluation, evaluate
from .numbers import plain


@dataclass
class SAARound:
    """One sample size N: M replications, the candidate and its evaluation."""

    sample_size: int
    replications: int
    candidate_size: int
    confidence: float
    objectives: np.ndarray  # v_N^m
    gaps: np.ndarray  # G_m = f_N^m(x^) - v_N^m
    candidate: pd.Series  # x^
    candidate_objective: float
    evaluation: Evaluation
    replication_stock: pd.DataFrame  # M x J
    seconds: float

    @property
    def alpha(self) -> float:
        return 1.0 - self.confidence

    @property
    def lower_bound(self) -> float:
        return float(self.objectives.mean())

    @property
    def lower_std_error(self) -> float:
        return float(self.objectives.std(ddof=1) / math.sqrt(self.replications)) if self.replications > 1 else 0.0

    def lower_limit(self, alpha: float) -> float:
        """One-sided lower confidence limit L - t_{M-1, 1-alpha} s_L / sqrt(M)."""
        return self.lower_bound - _t(alpha, self.replications) * self.lower_std_error

    @property
    def upper_bound(self) -> float:
        return self.evaluation.expected_cost

    def upper_limit(self, alpha: float) -> float:
        """One-sided upper confidence limit U + z_{1-alpha} s_U / sqrt(n_U)."""
        return self.upper_bound + stats.norm.ppf(1.0 - alpha) * self.evaluation.std_error

    @property
    def optimal_cost_interval(self) -> tuple[float, float]:
        """[L - t s_L/sqrt(M), U + z s_U/sqrt(n_U)], each side at alpha/2: covers z* w.p. >= 1 - alpha."""
        return self.lower_limit(self.alpha / 2), self.upper_limit(self.alpha / 2)

    @property
    def gap_limit(self) -> float:
        """Upper limit of the independent-bounds gap interval."""
        return max(self.upper_bound - self.lower_bound, 0.0) + (
            self.upper_limit(self.alpha / 2) - self.upper_bound + self.lower_bound - self.lower_limit(self.alpha / 2)
        )

    @property
    def mrp_gap(self) -> float:
        return float(self.gaps.mean())

    @property
    def mrp_gap_limit(self) -> float:
        """Mak-Morton-Wood: mean G + t_{M-1, 1-alpha} s_G / sqrt(M)."""
        se = self.gaps.std(ddof=1) / math.sqrt(self.replications) if self.replications > 1 else 0.0
        return self.mrp_gap + _t(self.alpha, self.replications) * se

    @property
    def relative_gap(self) -> float:
        """The tighter gap limit relative to |U|."""
        return min(self.gap_limit, self.mrp_gap_limit) / max(abs(self.upper_bound), 1e-12)

    def summary(self) -> dict:
        low, high = self.optimal_cost_interval
        return {
            "sample_size": self.sample_size,
            "replications": self.replications,
            "candidate_size": self.candidate_size,
            "evaluation_size": self.evaluation.sample_size,
            "confidence": self.confidence,
            "lower_bound": self.lower_bound,
            "lower_bound_std_error": self.lower_std_error,
            "lower_limit": self.lower_limit(self.alpha),
            "upper_bound": self.upper_bound,
            "upper_bound_std_error": self.evaluation.std_error,
            "upper_limit": self.upper_limit(self.alpha),
            "optimal_cost_interval": [low, high],
            "gap": max(self.upper_bound - self.lower_bound, 0.0),
            "gap_interval": [0.0, self.gap_limit],
            "mrp_gap": self.mrp_gap,
            "mrp_gap_interval": [0.0, self.mrp_gap_limit],
            "relative_gap": self.relative_gap,
            "candidate_in_sample_cost": self.candidate_objective,
            "seconds": self.seconds,
        }


@dataclass
class SAAResult:
    """Every round (one per sample size) and the last one's candidate plan."""

    rounds: list[SAARound]
    target_gap: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def final(self) -> SAARound:
        return self.rounds[-1]

    @property
    def met_target(self) -> bool | None:
        return None if self.target_gap is None else bool(self.final.relative_gap <= self.target_gap)

    def summary(self) -> dict:
        return plain(
            {
                **self.final.summary(),
                "candidate_stock": {str(j): float(x) for j, x in self.final.candidate.items()},
                "candidate_fill_rate": {
                    str(i): float(r) for i, r in self.final.evaluation.fill_rate["estimate"].items()
                },
                "target_gap": self.target_gap,
                "met_target": self.met_target,
                "rounds": [r.summary() for r in self.rounds],
                "notes": list(self.notes),
            }
        )


def saa(
    instance,
    sample_size: int = 100,
    replications: int = 10,
    evaluation_size: int = 10_000,
    candidate_size: int | None = None,
    confidence: float = 0.95,
    seed: int | None = None,
    sampling: str | None = None,
    target_gap: float | None = None,
    max_sample_size: int = 10_000,
    options: HighsOptions | None = None,
) -> SAAResult:
    """SAA bounds for ``instance``'s demand model (or its scenarios' distribution).

    ``target_gap`` (relative, e.g. 0.01): double N until the gap limit over |U| is at
    most this, or N would exceed ``max_sample_size``.
    """
    if replications < 2:
        raise ValueError("SAA bounds need at least 2 replications")
    base = with_settings(instance, cvar_weight=0.0)
    seed = int(instance.settings.get("seed", 0)) if seed is None else seed
    sampling = sampling or instance.settings.get("sampling") or "mc"
    notes = []
    if instance.settings.get("cvar_weight"):
        notes.append("the bounds are for the expected cost; the cvar_weight setting was set aside.")
    if instance.configurations["fill_rate_target"].notna().any():
        notes.append("fill-rate targets hold in each SAA problem; out of sample they are reported, not imposed.")
    rounds = []
    N = int(sample_size)
    while True:
        rounds.append(
            _round(base, N, replications, candidate_size or N, evaluation_size, confidence, seed, sampling, options)
        )
        if target_gap is None or rounds[-1].relative_gap <= target_gap or max_sample_size < 2 * N:
            break
        N *= 2
        candidate_size = candidate_size * 2 if candidate_size else None
    return SAAResult(rounds, target_gap, notes)


def solve_sample(instance, D: np.ndarray, options: HighsOptions | None = None) -> tuple[float, np.ndarray]:
    """Optimal value v_N and stock of the SAA problem on the scenarios ``D`` (equally likely)."""
    sample = with_demand(instance, D)
    model = build_matrix(sample)
    result = run_highs(model.lp, options or HighsOptions(), duals=False)
    if not result.has_plan:
        raise AtooptError(
            f"an SAA problem of {len(D)} scenarios has no plan ({result.status}: {result.message}); "
            "solve the instance itself to see what conflicts."
        )
    return result.objective, instance.arrays.on_hand + result.x[: model.n_order]


def _round(base, N, M, N_c, n_U, confidence, seed, sampling, options) -> SAARound:
    started = time.perf_counter()
    source = demand_source(base)
    J = pd.Index(base.arrays.J, name="component")
    candidate_objective, candidate = solve_sample(base, source.sample(N_c, seed, sampling, stream=(2, N_c)), options)
    objectives, gaps, stocks = np.empty(M), np.empty(M), []
    for m in range(M):
        D = source.sample(N, seed, sampling, stream=(3, N, m))
        objectives[m], stock = solve_sample(base, D, options)
        stocks.append(stock)
        gaps[m] = evaluate(with_demand(base, D), candidate, sample_size=None).expected_cost - objectives[m]
    evaluation = evaluate(base, candidate, n_U, seed=seed, sampling="mc", confidence=confidence)
    return SAARound(
        sample_size=N,
        replications=M,
        candidate_size=N_c,
        confidence=confidence,
        objectives=objectives,
        gaps=np.maximum(gaps, 0.0),
        candidate=pd.Series(candidate, index=J),
        candidate_objective=candidate_objective,
        evaluation=evaluation,
        replication_stock=pd.DataFrame(stocks, columns=J),
        seconds=time.perf_counter() - started,
    )


def _t(alpha: float, M: int) -> float:
    return float(stats.t.ppf(1.0 - alpha, M - 1)) if M > 1 else 0.0
