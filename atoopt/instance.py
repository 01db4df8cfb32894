"""The :class:`Instance`: one ATO stocking problem as plain pandas tables.

It knows no Excel, no Pyomo and no terminal. Build one with :func:`load` (a
workbook or a folder of CSV files) or :meth:`Instance.from_frames` (DataFrames);
both validate first, so an ``Instance`` always holds checked, typed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import InputError, Report, Source


@dataclass(eq=False)
class Instance:
    """Components ``j``, configurations ``i``, scenarios ``s`` and their data.

    Attributes
    ----------
    components:
        Indexed by component id ``j``: ``unit_cost`` (c_j), ``holding_cost`` (h_j),
        ``salvage_value`` (v_j), ``on_hand`` (x0_j), ``min_stock``, ``max_stock``,
        ``lot_size`` (L_j), ``storage_space``, ``description``.
    configurations:
        Indexed by configuration id ``i``: ``price`` (r_i), ``assembly_cost`` (k_i),
        ``shortage_cost`` (b_i), ``fill_rate_target`` (f_i), ``description``.
    bom:
        Rows ``configuration, component, quantity`` (a_ij).
    scenarios:
        Indexed by scenario id ``s``: ``probability`` (p_s).
    demand:
        Long form ``scenario, configuration, demand`` (d_is); missing pairs are 0.
    settings:
        ``{name: value}`` with every setting of :mod:`atoopt.schema`.
    resources, resource_use:
        Resources ``k`` with ``capacity`` (R_k), and their use per unit ordered,
        stocked or assembled.
    demand_source:
        The DemandModel or History behind the scenarios (:mod:`atoopt.scenarios`), kept
        for fresh samples; None when the scenarios were given explicitly.
    """

    components: pd.DataFrame
    configurations: pd.DataFrame
    bom: pd.DataFrame
    scenarios: pd.DataFrame
    demand: pd.DataFrame
    settings: dict = field(default_factory=dict)
    resources: pd.DataFrame = field(default_factory=pd.DataFrame)
    resource_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    report: Report = field(default_factory=Report)
    name: str = ""
    demand_source: object = None  # DemandModel / EmpiricalDemand behind sampled scenarios (atoopt.scenarios)

    @classmethod
    def from_frames(
        cls,
        components: pd.DataFrame,
        configurations: pd.DataFrame,
        bom: pd.DataFrame,
        demand: pd.DataFrame | None = None,
        scenarios: pd.DataFrame | None = None,
        settings: Mapping[str, object] | pd.DataFrame | None = None,
        resources: pd.DataFrame | None = None,
        resource_use: pd.DataFrame | None = None,
        name: str = "",
        demand_model: pd.DataFrame | None = None,
        correlation: pd.DataFrame | None = None,
        history: pd.DataFrame | None = None,
    ) -> Instance:
        """Validate DataFrames laid out as the workbook's sheets and build an Instance.

        Column names are those of the workbook; ids may be the index or a column.
        Demand comes from ``demand`` (and ``scenarios``), or is sampled from
        ``demand_model`` (and ``correlation``) or ``history`` as the settings say.
        Raises :class:`~atoopt.errors.InputError` listing every problem.
        """
        if isinstance(settings, Mapping):
            settings = pd.DataFrame({"setting": list(settings), "value": list(settings.values())})
        frames = {
            "Components": components,
            "Configurations": configurations,
            "BOM": bom,
            "Demand": demand,
            "Scenarios": scenarios,
            "Settings": settings,
            "Resources": resources,
            "ResourceUse": resource_use,
            "DemandModel": demand_model,
            "Correlation": correlation,
            "History": history,
        }
        tables = {sheet: _raw(frame) for sheet, frame in frames.items() if frame is not None}
        return from_tables(tables, Source("frames"), name)

    # -- dimensions, in a fixed order every builder shares ------------------------

    @cached_property
    def arrays(self) -> InstanceArrays:
        """The numbers as numpy arrays, for vectorised building and reporting."""
        return InstanceArrays(self)

    def resource_table(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Resources with the ``budget`` and ``storage_capacity`` settings as resources too.

        The budget is a resource used by ``unit_cost`` per unit ordered, the storage
        capacity one used by ``storage_space`` per unit stocked.
        """
        resources = self.resources[["capacity"]].astype(float)
        uses = [self.resource_use[["resource", "item", "per", "usage"]]]
        extra = {}
        if self.settings.get("budget") is not None:
            extra["budget"] = ("order", self.components["unit_cost"])
        if self.settings.get("storage_capacity") is not None:
            extra["storage"] = ("stock", self.components["storage_space"])
        for name, (per, usage) in extra.items():
            setting = "budget" if name == "budget" else "storage_capacity"
            resources.loc[name] = float(self.settings[setting])
            uses.append(pd.DataFrame({"resource": name, "item": usage.index, "per": per, "usage": usage.values}))
        use = pd.concat([u for u in uses if not u.empty] or uses, ignore_index=True)
        use = use.astype({"resource": object, "item": object, "per": object, "usage": float})
        return resources, use[use["usage"] != 0].reset_index(drop=True)


def from_tables(tables: Mapping[str, pd.DataFrame], source: Source, name: str = "") -> Instance:
    """Validate raw tables and return the Instance, or raise InputError."""
    from .validation import validate

    instance, report = validate(tables, source)
    if instance is None:
        raise InputError(report)
    instance.name = name
    return instance


def load(path: str | Path) -> Instance:
    """Read and validate an instance from a workbook or a folder of CSV files."""
    from .io import read_tables

    tables, source = read_tables(path)
    return from_tables(tables, source, Path(path).stem)


def _raw(frame: pd.DataFrame) -> pd.DataFrame:
    """A user's DataFrame as a raw table: ids out of the index, rows numbered as in Excel."""
    if frame.index.name is not None or isinstance(frame.index, pd.MultiIndex):
        frame = frame.reset_index()
    raw = frame.astype(object).copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    raw.index = pd.RangeIndex(2, len(raw) + 2, name="row")
    return raw


class InstanceArrays:
    """Dense and sparse numpy views of an :class:`Instance` (ids in a fixed order).

    ``J``, ``I``, ``S`` are the component, configuration and scenario ids; ``A`` is
    the BOM as a sparse ``I x J`` matrix (a_ij); ``D`` is demand ``S x I`` (d_is);
    ``p`` the probabilities (p_s). Cost vectors are named by their symbol.
    """

    def __init__(self, instance: Instance):
        comps, confs = instance.components, instance.configurations
        self.J = comps.index.to_numpy(dtype=object)
        self.I = confs.index.to_numpy(dtype=object)
        self.S = instance.scenarios.index.to_numpy(dtype=object)
        self.p = instance.scenarios["probability"].to_numpy(dtype=float)
        j_of = pd.Index(self.J)
        i_of = pd.Index(self.I)
        s_of = pd.Index(self.S)
        bom = instance.bom
        self.A = sp.csr_array(
            (
                bom["quantity"].to_numpy(float),
                (i_of.get_indexer(bom["configuration"]), j_of.get_indexer(bom["component"])),
            ),
            shape=(len(self.I), len(self.J)),
        )
        demand = instance.demand
        self.D = np.zeros((len(self.S), len(self.I)))
        np.add.at(
            self.D,
            (s_of.get_indexer(demand["scenario"]), i_of.get_indexer(demand["configuration"])),
            demand["demand"].to_numpy(float),
        )
        self.c = comps["unit_cost"].to_numpy(float)
        self.h = comps["holding_cost"].to_numpy(float)
        self.v = comps["salvage_value"].to_numpy(float)
        self.on_hand = comps["on_hand"].to_numpy(float)
        self.min_stock = comps["min_stock"].to_numpy(float)
        self.max_stock = comps["max_stock"].to_numpy(float)  # NaN: no limit
        self.lot_size = comps["lot_size"].to_numpy(float)  # NaN: any amount
        if instance.settings.get("integer_stock"):
            self.lot_size = np.where(np.isnan(self.lot_size), 1.0, self.lot_size)
        self.r = confs["price"].to_numpy(float)
        self.k = confs["assembly_cost"].to_numpy(float)
        self.b = confs["shortage_cost"].to_numpy(float)
        self.f = confs["fill_rate_target"].to_numpy(float)  # NaN: no target

    @property
    def order_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounds on the order q_j implied by on-hand stock and min/max stock."""
        low = np.maximum(0.0, self.min_stock - self.on_hand)
        high = np.where(np.isnan(self.max_stock), np.inf, self.max_stock - self.on_hand)
        return low, high

    @property
    def assembly_cost_net(self) -> np.ndarray:
        """Objective coefficient of assembling one unit of i, net of price and salvage.

        k_i - r_i - b_i + sum_j a_ij v_j: assembling earns the price, avoids the
        shortage cost and consumes components that would otherwise be salvaged.
        """
        return self.k - self.r - self.b + self.A @ self.v
