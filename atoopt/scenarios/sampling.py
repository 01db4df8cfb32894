"""Demand distributions and reproducible, vectorised sampling of demand scenarios.

A :class:`DemandModel` gives each configuration i a marginal distribution F_i
(normal truncated at zero, lognormal, Poisson, negative binomial, gamma; set by
its mean mu_i and standard deviation sigma_i) and couples them by a Gaussian
copula with correlation matrix R:

    u = uniforms (plain Monte Carlo, Latin hypercube or scrambled Sobol points)
    z = Phi^-1(u) L^T          with L L^T = R
    d_i = F_i^-1(Phi(z_i))

An :class:`EmpiricalDemand` is a discrete distribution over given demand vectors
(past periods, or explicit scenarios) sampled by inverse transform of one uniform.
Both map an ``n x dimension`` array of uniforms to an ``n x I`` demand matrix, so
every sampling method serves both, and the same seed gives the same scenarios.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from scipy.stats import qmc

from ..schema import DISTRIBUTIONS

SAMPLING_METHODS = ("mc", "lhs", "sobol")

#: Uniforms are kept this far inside (0, 1) so inverse CDFs stay finite.
_EDGE = 1e-12

#: SciPy 1.15 renamed the qmc engines' ``seed`` to ``rng`` (``seed`` is to be deprecated).
_RNG = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


def generator(seed: int | None, *stream: int) -> np.random.Generator:
    """A numpy Generator for ``seed`` and an independent sub-stream per ``stream`` key."""
    entropy = None if seed is None else int(seed)
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(int(k) for k in stream)))


def uniforms(n: int, dimension: int, rng: np.random.Generator, method: str = "mc") -> np.ndarray:
    """``n x dimension`` points in (0, 1): independent (mc), Latin hypercube (lhs) or scrambled Sobol."""
    if method == "mc":
        u = rng.random((n, dimension))
    elif method == "lhs":
        u = qmc.LatinHypercube(d=dimension, **{_RNG: rng}).random(n)
    elif method == "sobol":
        # a power-of-two block keeps Sobol's balance; its first n points are used
        sobol = qmc.Sobol(d=dimension, scramble=True, **{_RNG: rng})
        u = sobol.random_base2(max(0, math.ceil(math.log2(n))))[:n]
    else:
        raise ValueError(f"unknown sampling method {method!r}; use one of {SAMPLING_METHODS}")
    return np.clip(u, _EDGE, 1.0 - _EDGE)


def marginal(distribution: str, mean: float, std: float | None):
    """The frozen scipy distribution with this mean and standard deviation (None: a point mass).

    normal: N(mean, std^2) truncated at zero (mean and std are the normal's, before truncation);
    lognormal: log d ~ N(m, s^2) with s^2 = ln(1 + std^2/mean^2), m = ln mean - s^2/2;
    poisson: mean only; negative_binomial: n = mean^2/(std^2 - mean), p = mean/std^2;
    gamma: shape mean^2/std^2, scale std^2/mean.
    """
    if distribution == "poisson":
        return stats.poisson(mean) if mean > 0 else None
    if not std or (mean == 0 and distribution != "normal"):
        return None
    if distribution == "normal":
        return stats.truncnorm(-mean / std, np.inf, loc=mean, scale=std)
    if distribution == "lognormal":
        s2 = math.log1p((std / mean) ** 2)
        return stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))
    if distribution == "negative_binomial":
        return stats.nbinom(mean**2 / (std**2 - mean), mean / std**2)
    if distribution == "gamma":
        return stats.gamma((mean / std) ** 2, scale=std**2 / mean)
    raise ValueError(f"unknown distribution {distribution!r}; use one of {DISTRIBUTIONS}")


def parameter_problem(distribution: str, mean: float, std: float | None) -> str | None:
    """Why ``(distribution, mean, std)`` defines no distribution, or None if it does."""
    if distribution in ("normal", "lognormal", "gamma", "negative_binomial") and std is None:
        return f"a {distribution} distribution needs a std."
    if distribution in ("lognormal", "gamma") and mean == 0 and std:
        return f"a {distribution} distribution with mean 0 cannot have a std above 0."
    if distribution == "negative_binomial" and std is not None and std**2 <= mean and not (mean == 0 == std):
        return (
            f"a negative binomial needs a variance above its mean: std must exceed sqrt(mean) = {math.sqrt(mean):.4g} "
            "(use poisson when variance equals the mean)."
        )
    return None


def nearest_correlation(R: np.ndarray) -> tuple[np.ndarray, float]:
    """A factor L with L L^T = R, and R's smallest eigenvalue (negative: R is no correlation matrix)."""
    values, vectors = np.linalg.eigh(R)
    return vectors * np.sqrt(np.clip(values, 0.0, None)), float(values.min())


@dataclass
class DemandModel:
    """Per configuration a marginal (distribution, mean, std), coupled by correlation ``R``.

    ``configurations`` orders the columns of every sample. ``correlation`` is I x I
    (identity: independent demands); it applies to the normal scores z_i.
    """

    configurations: list
    distributions: list[str]
    means: np.ndarray
    stds: np.ndarray  # NaN where not given (poisson)
    correlation: np.ndarray | None = None
    _factor: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        self.means = np.asarray(self.means, dtype=float)
        self.stds = np.asarray(self.stds, dtype=float)
        if self.correlation is not None and not np.allclose(self.correlation, np.eye(len(self.means))):
            self._factor = nearest_correlation(np.asarray(self.correlation, dtype=float))[0]

    @classmethod
    def common_factor(cls, configurations, distributions, means, stds, share: float = 0.0) -> DemandModel:
        """Every pair of demands correlated by ``share``: R = share 11^T + (1 - share) I."""
        n = len(configurations)
        R = share * np.ones((n, n)) + (1.0 - share) * np.eye(n)
        return cls(list(configurations), list(distributions), means, stds, R)

    @property
    def dimension(self) -> int:
        return len(self.configurations)

    def mean_demand(self) -> np.ndarray:
        """E[d_i] of each configuration (the truncated normal's mean is above its mu)."""
        return np.array([rv.mean() if rv is not None else m for rv, m in zip(self._marginals(), self.means)])

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Demand ``n x I`` from uniforms ``n x I`` through the Gaussian copula."""
        if self._factor is not None:
            z = stats.norm.ppf(u) @ self._factor.T
            u = np.clip(stats.norm.cdf(z), _EDGE, 1.0 - _EDGE)
        out = np.empty_like(u)
        for i, rv in enumerate(self._marginals()):
            out[:, i] = self.means[i] if rv is None else rv.ppf(u[:, i])
        return out

    def sample(self, n: int, seed: int | None = 0, method: str = "mc", stream: tuple = ()) -> np.ndarray:
        """``n`` scenarios of demand (``n x I``), reproducible from ``seed`` (and ``stream``)."""
        return self.transform(uniforms(n, self.dimension, generator(seed, *stream), method))

    def _marginals(self):
        return [
            marginal(dist, mean, None if math.isnan(std) else std)
            for dist, mean, std in zip(self.distributions, self.means, self.stds)
        ]


@dataclass
class EmpiricalDemand:
    """A discrete distribution: demand vector ``values[k]`` (K x I) with probability ``probabilities[k]``."""

    configurations: list
    values: np.ndarray
    probabilities: np.ndarray
    ids: list | None = None  # names of the support points (past periods)

    dimension = 1

    def mean_demand(self) -> np.ndarray:
        return self.probabilities @ self.values

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Inverse transform of the first uniform column onto the K support points."""
        cumulative = np.cumsum(self.probabilities)
        k = np.searchsorted(cumulative / cumulative[-1], u[:, 0], side="right")
        return self.values[np.minimum(k, len(self.values) - 1)]

    def sample(self, n: int, seed: int | None = 0, method: str = "mc", stream: tuple = ()) -> np.ndarray:
        return self.transform(uniforms(n, 1, generator(seed, *stream), method))
