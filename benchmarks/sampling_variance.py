"""Variance reduction of Latin hypercube and Sobol sampling, measured on SAA optimal values.

For each sampling method and sample size N, solve R independent SAA problems and
report the mean and variance of the optimal value v_N across replications (the
lower-bound estimator of SAA) and the variance ratio against plain Monte Carlo.
Also times out-of-sample evaluation (closed form vs block LP).

    python benchmarks/sampling_variance.py [--replications 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np
import pandas as pd

from atoopt import Instance
from atoopt.generate import random_instance
from atoopt.scenarios import DemandModel
from atoopt.stats.evaluate import _lp_recourse, closed_form_recourse, evaluate
from atoopt.stats.saa import solve_sample


def newsvendor() -> Instance:
    return Instance.from_frames(
        pd.DataFrame({"component": ["c"], "holding_cost": [1.0]}),
        pd.DataFrame({"configuration": ["a"], "shortage_cost": [4.0]}),
        pd.DataFrame({"configuration": ["a"], "component": ["c"], "quantity": [1.0]}),
        demand_model=pd.DataFrame({"configuration": ["a"], "distribution": ["normal"], "mean": [100], "std": [20]}),
    )


def ato() -> Instance:
    """20 components, 10 configurations (4 components each), gamma demand, common factor 0.3."""
    base = random_instance(20, 10, 5, per_configuration=4, seed=1, prices=True)
    n = len(base.arrays.I)
    rng = np.random.default_rng(1)
    means = rng.uniform(10, 60, n)
    model = DemandModel.common_factor(list(base.arrays.I), ["gamma"] * n, means, 0.4 * means, share=0.3)
    return dataclasses.replace(base, demand_source=model)


def variance_table(name: str, instance: Instance, sizes, replications: int) -> pd.DataFrame:
    rows = []
    for N in sizes:
        base_var = None
        for method in ("mc", "lhs", "sobol"):
            started = time.perf_counter()
            values = np.array(
                [
                    solve_sample(instance, instance.demand_source.sample(N, 0, method, stream=(9, r)))[0]
                    for r in range(replications)
                ]
            )
            var = values.var(ddof=1)
            base_var = var if method == "mc" else base_var
            rows.append(
                {
                    "instance": name,
                    "N": N,
                    "method": method,
                    "mean v_N": values.mean(),
                    "variance of v_N": var,
                    "variance ratio vs mc": var / base_var,
                    "seconds": time.perf_counter() - started,
                }
            )
    return pd.DataFrame(rows)


def evaluation_timing() -> pd.DataFrame:
    rows = []
    nv = newsvendor()
    D = nv.demand_source.sample(100_000, 0)
    x = np.array([113.5])
    for label, fn in (("closed form", lambda: closed_form_recourse(nv.arrays, x, D)), ("block LP", None)):
        started = time.perf_counter()
        if fn is None:
            _lp_recourse(nv, x, D)
        else:
            fn()
        rows.append({"what": f"newsvendor recourse, 100k scenarios, {label}", "seconds": time.perf_counter() - started})
    instance = ato()
    stock = instance.arrays.A.T @ instance.demand_source.mean_demand() * 1.1
    started = time.perf_counter()
    result = evaluate(instance, stock, 10_000)
    rows.append(
        {"what": f"20x10 ATO evaluate, 10k scenarios ({result.method})", "seconds": time.perf_counter() - started}
    )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=30)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    tables = [
        variance_table("newsvendor", newsvendor(), (32, 128), args.replications),
        variance_table("ato 20x10", ato(), (32, 128), args.replications),
    ]
    print(markdown(pd.concat(tables)))
    print()
    print(markdown(evaluation_timing()))


def markdown(frame: pd.DataFrame) -> str:
    """A markdown table (numbers to 4 significant digits), without the tabulate package."""

    def cell(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
