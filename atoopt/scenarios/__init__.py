"""Demand scenarios: sampled from a demand model or a history, and reduced.

- :mod:`.sampling`: :class:`DemandModel` (marginals + Gaussian copula) and
  :class:`EmpiricalDemand`, sampled by plain Monte Carlo, Latin hypercube or Sobol points;
- :mod:`.history`: past periods as scenarios, or a model fitted to them;
- :mod:`.reduction`: fast forward selection (Heitsch and Roemisch) with its Kantorovich distance;
- :mod:`.tables`: demand matrices <-> an instance's Scenarios and Demand tables.
"""

from .history import fit_history, periods_as_scenarios
from .reduction import Reduction, fast_forward_selection, reduce_instance
from .sampling import SAMPLING_METHODS, DemandModel, EmpiricalDemand, generator, uniforms
from .tables import demand_source, scenario_tables, with_demand, with_settings

__all__ = [
    "SAMPLING_METHODS",
    "DemandModel",
    "EmpiricalDemand",
    "Reduction",
    "demand_source",
    "fast_forward_selection",
    "fit_history",
    "generator",
    "periods_as_scenarios",
    "reduce_instance",
    "scenario_tables",
    "uniforms",
    "with_demand",
    "with_settings",
]
