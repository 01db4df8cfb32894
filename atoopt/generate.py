"""Random ATO instances of any size, for tests and benchmarks.

The shape of the reference timings in ``baselines.md``: each configuration uses
``per_configuration`` distinct components (quantities 1-2), demand is normal,
costs are carrying plus shortage unless ``prices`` is set. Optional features
turn on each constraint family of the model, so a cross-check can cover them all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .instance import Instance

FEATURES = ("on_hand", "bounds", "targets", "resources", "lots", "salvage")


def random_instance(
    components: int = 10,
    configurations: int = 10,
    scenarios: int = 10,
    per_configuration: int = 3,
    seed: int = 0,
    prices: bool = False,
    features: tuple[str, ...] = (),
) -> Instance:
    """A random instance; ``features`` is any of :data:`FEATURES`."""
    rng = np.random.default_rng(seed)
    J = [f"c{j}" for j in range(components)]
    I = [f"p{i}" for i in range(configurations)]
    S = [f"s{s}" for s in range(scenarios)]
    per = min(per_configuration, components)
    holding = rng.uniform(0.5, 2.0, components).round(3)
    comps = pd.DataFrame({"component": J, "holding_cost": holding})
    if prices:
        comps["unit_cost"] = rng.uniform(1, 10, components).round(2)
    if "salvage" in features:
        comps["salvage_value"] = (rng.uniform(-0.5, 0.8, components) * comps.get("unit_cost", holding)).round(3)
    if "on_hand" in features:
        comps["on_hand"] = rng.integers(0, 20, components).astype(float)
    if "lots" in features:
        comps["lot_size"] = np.where(rng.random(components) < 0.4, rng.integers(2, 8, components), np.nan)
    bom_rows = []
    for i in I:
        for j in rng.choice(components, size=per, replace=False):
            bom_rows.append((i, J[j], float(rng.integers(1, 3))))
    bom = pd.DataFrame(bom_rows, columns=["configuration", "component", "quantity"])
    confs = pd.DataFrame({"configuration": I, "shortage_cost": rng.uniform(5, 30, configurations).round(2)})
    if prices:
        parts = bom.assign(cost=bom["quantity"] * bom["component"].map(dict(zip(J, comps["unit_cost"]))))
        cost = parts.groupby("configuration")["cost"].sum().reindex(I).to_numpy()
        confs["price"] = (cost * rng.uniform(1.2, 2.0, configurations)).round(2)
        confs["assembly_cost"] = rng.uniform(0, 2, configurations).round(2)
    mean = rng.uniform(5, 50, configurations)
    requirement = (bom["quantity"] * bom["configuration"].map(dict(zip(I, mean)))).groupby(bom["component"]).sum()
    requirement = requirement.reindex(J, fill_value=0.0).to_numpy()
    if "bounds" in features:
        comps["min_stock"] = np.where(rng.random(components) < 0.3, rng.integers(0, 10, components), 0.0)
        base = comps.get("on_hand", pd.Series(0.0, index=comps.index))
        limited = rng.random(components) < 0.3
        comps["max_stock"] = np.where(limited, base + comps["min_stock"] + (1.3 * requirement).round(), np.nan)
    if "targets" in features:
        confs["fill_rate_target"] = np.where(rng.random(configurations) < 0.3, 0.9, np.nan)
    demand = np.maximum(0, rng.normal(mean, 0.3 * mean, size=(scenarios, configurations))).round(1)
    long = pd.DataFrame(demand, index=S, columns=I).stack().rename("demand")
    long = long.rename_axis(["scenario", "configuration"]).reset_index()
    resources = resource_use = None
    if "resources" in features:
        floor = comps.get("on_hand", 0.0) + comps.get("min_stock", 0.0)
        resources = pd.DataFrame(
            {
                "resource": ["space", "line"],
                "capacity": [float(np.sum(floor)) + 0.9 * requirement.sum(), float(1.05 * mean.sum())],
            }
        )
        resource_use = pd.concat(
            [
                pd.DataFrame({"resource": "space", "item": J, "per": "stock", "usage": 1.0}),
                pd.DataFrame(
                    {"resource": "line", "item": I, "per": "assembly", "usage": rng.uniform(0.5, 1.5, configurations)}
                ),
            ],
            ignore_index=True,
        )
    return Instance.from_frames(
        comps,
        confs,
        bom,
        long[long["demand"] > 0],
        resources=resources,
        resource_use=resource_use,
        name=f"random_{components}x{configurations}x{scenarios}",
    )


#: Named benchmark sizes: (components, configurations, scenarios, components per configuration).
#: ``ref-*`` is the reference shape of ``baselines.md`` (100 x 200, 8 per configuration).
SIZES: dict[str, tuple[int, int, int, int]] = {
    "tiny": (10, 10, 10, 3),
    "small": (30, 50, 50, 5),
    "ref-50": (100, 200, 50, 8),
    "ref-200": (100, 200, 200, 8),
    "ref-500": (100, 200, 500, 8),
    "ref-2000": (100, 200, 2000, 8),
    "ref-10000": (100, 200, 10000, 8),
    "wide-1000": (1000, 5000, 1000, 10),
    "huge": (1000, 5000, 10000, 10),
}


def sized_instance(size: str, seed: int = 0, **options) -> Instance:
    """The random instance of a named size in :data:`SIZES` (``options`` go to :func:`random_instance`)."""
    if size not in SIZES:
        from .errors import AtooptError

        raise AtooptError(f"unknown size '{size}': use one of {', '.join(SIZES)}.")
    components, configurations, scenarios, per = SIZES[size]
    return random_instance(components, configurations, scenarios, per, seed=seed, **options)
