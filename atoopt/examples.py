"""The bundled example instances, built from plain data with a fixed seed.

``instances/`` holds them written out (``python -m atoopt.examples instances``
rewrites the files and their expected results); ``atoopt template --example NAME``
fills a template with one. Each tells a story, see ``instances/README.md``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .instance import Instance

# -- the PC maker ---------------------------------------------------------------------

_PC_COMPONENTS = [
    # component, unit_cost, description
    ("cpu_i3", 110, "Entry CPU, 4 cores"),
    ("cpu_i5", 190, "Mainstream CPU, 6 cores"),
    ("cpu_i7", 320, "Performance CPU, 12 cores"),
    ("cpu_i9", 540, "Top CPU, 24 cores"),
    ("board_b760", 120, "Mainstream motherboard"),
    ("board_z790", 260, "Enthusiast motherboard"),
    ("ram_8gb", 25, "8 GB memory module"),
    ("ram_16gb", 45, "16 GB memory module"),
    ("ram_32gb", 85, "32 GB memory module"),
    ("ssd_512gb", 35, "512 GB NVMe drive"),
    ("ssd_1tb", 60, "1 TB NVMe drive"),
    ("ssd_2tb", 110, "2 TB NVMe drive"),
    ("gpu_4060", 300, "Mid-range graphics card"),
    ("gpu_4080", 1000, "High-end graphics card"),
    ("case_mini", 60, "Small-form-factor case"),
    ("case_tower", 90, "Mid-tower case"),
    ("psu_550w", 55, "550 W power supply"),
    ("psu_850w", 120, "850 W power supply"),
    ("os_license", 90, "Operating system licence"),
]

_PC_CONFIGURATIONS = [
    # configuration, price, mean daily demand, BOM {component: quantity}
    (
        "office_basic",
        620,
        14,
        {"cpu_i3": 1, "board_b760": 1, "ram_8gb": 1, "ssd_512gb": 1, "case_mini": 1, "psu_550w": 1, "os_license": 1},
    ),
    (
        "office_plus",
        780,
        10,
        {"cpu_i5": 1, "board_b760": 1, "ram_8gb": 2, "ssd_512gb": 1, "case_mini": 1, "psu_550w": 1, "os_license": 1},
    ),
    ("student", 690, 9, {"cpu_i3": 1, "board_b760": 1, "ram_16gb": 1, "ssd_1tb": 1, "case_mini": 1, "psu_550w": 1}),
    (
        "home_media",
        820,
        6,
        {"cpu_i5": 1, "board_b760": 1, "ram_16gb": 1, "ssd_2tb": 1, "case_mini": 1, "psu_550w": 1, "os_license": 1},
    ),
    (
        "developer",
        1250,
        7,
        {"cpu_i7": 1, "board_b760": 1, "ram_32gb": 1, "ssd_1tb": 1, "case_tower": 1, "psu_550w": 1, "os_license": 1},
    ),
    (
        "creator",
        1750,
        5,
        {
            "cpu_i7": 1,
            "board_z790": 1,
            "ram_32gb": 2,
            "ssd_2tb": 1,
            "gpu_4060": 1,
            "case_tower": 1,
            "psu_850w": 1,
            "os_license": 1,
        },
    ),
    (
        "creator_pro",
        3300,
        2,
        {
            "cpu_i9": 1,
            "board_z790": 1,
            "ram_32gb": 4,
            "ssd_2tb": 2,
            "gpu_4080": 1,
            "case_tower": 1,
            "psu_850w": 1,
            "os_license": 1,
        },
    ),
    (
        "gamer_entry",
        1150,
        8,
        {
            "cpu_i5": 1,
            "board_b760": 1,
            "ram_16gb": 1,
            "ssd_1tb": 1,
            "gpu_4060": 1,
            "case_tower": 1,
            "psu_550w": 1,
            "os_license": 1,
        },
    ),
    (
        "gamer_mid",
        1500,
        6,
        {
            "cpu_i7": 1,
            "board_b760": 1,
            "ram_16gb": 2,
            "ssd_1tb": 1,
            "gpu_4060": 1,
            "case_tower": 1,
            "psu_850w": 1,
            "os_license": 1,
        },
    ),
    (
        "gamer_high",
        2650,
        3,
        {
            "cpu_i9": 1,
            "board_z790": 1,
            "ram_16gb": 2,
            "ssd_2tb": 1,
            "gpu_4080": 1,
            "case_tower": 1,
            "psu_850w": 1,
            "os_license": 1,
        },
    ),
    (
        "compact_gamer",
        1350,
        4,
        {
            "cpu_i5": 1,
            "board_b760": 1,
            "ram_16gb": 2,
            "ssd_1tb": 1,
            "gpu_4060": 1,
            "case_mini": 1,
            "psu_550w": 1,
            "os_license": 1,
        },
    ),
    (
        "streamer",
        1900,
        3,
        {
            "cpu_i7": 1,
            "board_z790": 1,
            "ram_32gb": 1,
            "ssd_2tb": 1,
            "gpu_4060": 1,
            "case_tower": 1,
            "psu_850w": 1,
            "os_license": 1,
        },
    ),
    (
        "workstation",
        2400,
        3,
        {"cpu_i9": 1, "board_z790": 1, "ram_32gb": 2, "ssd_2tb": 1, "case_tower": 1, "psu_850w": 1, "os_license": 1},
    ),
    (
        "server_lite",
        1600,
        2,
        {"cpu_i7": 1, "board_z790": 1, "ram_32gb": 2, "ssd_1tb": 2, "case_tower": 1, "psu_550w": 1},
    ),
]


def pc_maker(scenarios: int = 40, seed: int = 7) -> Instance:
    """A PC maker's week: 19 components shared by 14 desktop configurations.

    Demand moves with a common market factor (a busy or a slow week) and with
    each configuration's own noise; prices are given, so the plan weighs margin
    against the carrying cost (2% of unit cost a week) and resale of leftovers
    at 70% of cost. Gaming and creator lines carry a fill-rate target, and the
    assembly line has 700 hours a week, short of what a busy week needs.
    """
    rng = np.random.default_rng(seed)
    components = pd.DataFrame(_PC_COMPONENTS, columns=["component", "unit_cost", "description"])
    components["holding_cost"] = (0.02 * components["unit_cost"]).round(2)
    components["salvage_value"] = (0.70 * components["unit_cost"]).round(2)
    components["on_hand"] = 0.0
    components.loc[components["component"] == "case_tower", "on_hand"] = 20.0
    unit_cost = {j: c for j, c, _ in _PC_COMPONENTS}
    rows = []
    for name, price, _, bom in _PC_CONFIGURATIONS:
        parts = sum(unit_cost[j] * q for j, q in bom.items())
        rows.append((name, price, 35.0, round(0.25 * (price - parts) + 20, 2)))
    configurations = pd.DataFrame(rows, columns=["configuration", "price", "assembly_cost", "shortage_cost"])
    configurations["fill_rate_target"] = np.where(
        configurations["configuration"].isin(["gamer_high", "creator_pro"]), 0.9, np.nan
    )
    bom = pd.DataFrame(
        [(name, j, float(q)) for name, _, _, b in _PC_CONFIGURATIONS for j, q in b.items()],
        columns=["configuration", "component", "quantity"],
    )
    means = np.array([m for _, _, m, _ in _PC_CONFIGURATIONS], dtype=float) * 5  # a working week
    market = rng.lognormal(mean=-0.02, sigma=0.2, size=(scenarios, 1))
    demand = rng.poisson(means[None, :] * market)
    scenario_ids = [f"week_{n + 1:02d}" for n in range(scenarios)]
    long = pd.DataFrame(demand, index=scenario_ids, columns=[c[0] for c in _PC_CONFIGURATIONS])
    long = long.stack().rename("demand").rename_axis(["scenario", "configuration"]).reset_index()
    long = long[long["demand"] > 0].astype({"demand": float})
    resources = pd.DataFrame(
        {"resource": ["assembly_hours"], "capacity": [700.0], "description": ["Assembly line hours in the week"]}
    )
    hours = {c[0]: (1.5 if c[0].startswith(("office", "student", "home")) else 2.5) for c in _PC_CONFIGURATIONS}
    resource_use = pd.DataFrame(
        {"resource": "assembly_hours", "item": list(hours), "per": "assembly", "usage": list(hours.values())}
    )
    return Instance.from_frames(
        components,
        configurations,
        bom,
        long,
        resources=resources,
        resource_use=resource_use,
        settings={"currency": "EUR"},
        name="pc_maker",
    )


# -- the smoothie bar ---------------------------------------------------------------

_SMOOTHIE_COMPONENTS = [
    # component, unit_cost, holding_cost, salvage_value, lot_size, description (units are portions)
    ("banana", 0.25, 0.02, -0.05, 20, "Banana, one portion; ripe fruit left over is composted"),
    ("strawberry", 0.60, 0.05, -0.08, 25, "Fresh strawberries, one portion"),
    ("mango", 0.70, 0.05, -0.08, 10, "Fresh mango, one portion"),
    ("blueberry", 0.80, 0.02, 0.40, None, "Frozen blueberries, one portion; keeps for next week"),
    ("spinach", 0.30, 0.04, -0.06, 30, "Baby spinach, one portion"),
    ("yogurt_base", 0.45, 0.03, -0.10, 12, "Yogurt base, one portion; past its date it is discarded"),
    ("oat_milk", 0.35, 0.01, 0.20, None, "Oat milk, one portion; long-life"),
    ("protein", 0.55, 0.01, 0.45, None, "Protein powder, one scoop"),
    ("ice", 0.03, 0.00, 0.00, None, "Crushed ice, one portion"),
]

_SMOOTHIES = [
    # smoothie, price, shortage_cost, BOM
    ("classic_banana", 4.5, 1.5, {"banana": 2, "yogurt_base": 1, "ice": 1}),
    ("berry_blast", 5.5, 2.0, {"strawberry": 1, "blueberry": 1, "yogurt_base": 1, "ice": 1}),
    ("tropical", 5.5, 2.0, {"mango": 1, "banana": 1, "oat_milk": 1, "ice": 1}),
    ("green_power", 6.0, 2.5, {"spinach": 1, "banana": 1, "mango": 1, "oat_milk": 1}),
    ("protein_shake", 6.5, 2.5, {"banana": 1, "protein": 1, "oat_milk": 1, "ice": 1}),
    ("strawberry_dream", 5.0, 1.5, {"strawberry": 2, "yogurt_base": 1, "ice": 1}),
    ("vegan_berry", 5.5, 2.0, {"blueberry": 1, "strawberry": 1, "oat_milk": 1, "ice": 1}),
    ("morning_oats", 4.5, 1.5, {"banana": 1, "blueberry": 1, "oat_milk": 2}),
]

# smoothie -> mean daily demand on a (cold, mild, hot) day
_SMOOTHIE_DEMAND = {
    "classic_banana": (25, 35, 45),
    "berry_blast": (15, 30, 50),
    "tropical": (8, 20, 45),
    "green_power": (12, 18, 22),
    "protein_shake": (20, 22, 25),
    "strawberry_dream": (8, 15, 30),
    "vegan_berry": (6, 12, 20),
    "morning_oats": (20, 18, 12),
}


def smoothie_bar(seed: int = 11) -> Instance:
    """A smoothie bar's day: fresh bases bought in cases the morning before.

    The weather decides demand (cold, mild or hot days, with their own
    probabilities); fresh fruit, spinach and yogurt left at closing are thrown
    away at a disposal cost (negative salvage), while frozen and long-life
    ingredients keep part of their value. Fresh produce comes in whole cases
    (lot sizes), so the plan is an integer program.
    """
    rng = np.random.default_rng(seed)
    components = pd.DataFrame(
        _SMOOTHIE_COMPONENTS,
        columns=["component", "unit_cost", "holding_cost", "salvage_value", "lot_size", "description"],
    )
    configurations = pd.DataFrame(
        [(s, price, 1.2, short) for s, price, short, _ in _SMOOTHIES],
        columns=["configuration", "price", "assembly_cost", "shortage_cost"],
    )
    bom = pd.DataFrame(
        [(s, j, float(q)) for s, _, _, b in _SMOOTHIES for j, q in b.items()],
        columns=["configuration", "component", "quantity"],
    )
    weather = {"cold": 0.25, "mild": 0.45, "hot": 0.30}
    scenario_rows, demand_rows = [], []
    for w, (name, share) in enumerate(weather.items()):
        for n in range(8):
            scenario = f"{name}_{n + 1}"
            scenario_rows.append((scenario, share / 8, f"a {name} day"))
            for smoothie, means in _SMOOTHIE_DEMAND.items():
                demand_rows.append((scenario, smoothie, float(rng.poisson(means[w]))))
    scenarios = pd.DataFrame(scenario_rows, columns=["scenario", "probability", "description"])
    demand = pd.DataFrame(demand_rows, columns=["scenario", "configuration", "demand"])
    return Instance.from_frames(
        components, configurations, bom, demand, scenarios=scenarios, settings={"currency": "USD"}, name="smoothie_bar"
    )


EXAMPLES: dict[str, Callable[[], Instance]] = {"pc_maker": pc_maker, "smoothie_bar": smoothie_bar}


def example(name: str) -> Instance:
    """A bundled example by name."""
    from .errors import InputError, Report, Source

    if name not in EXAMPLES:
        report = Report(Source("frames"))
        report.error("", None, None, f"there is no example '{name}'.", f"choose one of {', '.join(EXAMPLES)}.")
        raise InputError(report)
    return EXAMPLES[name]()


def write_examples(folder: str | Path) -> None:
    """Write each example as a workbook (and CSV folder) with its expected result beside it."""
    from .io.template import instance_sheets, write_input_workbook
    from .solve import solve

    folder = Path(folder)
    for name, make in EXAMPLES.items():
        instance = make()
        write_input_workbook(folder / f"{name}.xlsx", instance)
        csv_folder = folder / name
        csv_folder.mkdir(exist_ok=True)
        for sheet, frame in instance_sheets(instance).items():
            if sheet in ("Settings",) or not frame.empty:
                frame.to_csv(csv_folder / f"{sheet.lower()}.csv", index=False)
        solution = solve(instance)
        expected = {
            k: solution.summary()[k]
            for k in ("status", "expected_total_cost", "cost_breakdown", "stock", "order", "fill_rate")
        }
        (folder / f"{name}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")


if __name__ == "__main__":
    write_examples(sys.argv[1] if len(sys.argv) > 1 else "instances")
