"""Statistics of plans: SAA bounds, out-of-sample evaluation, value of information, risk.

- :mod:`.saa`: sample average approximation with Mak-Morton-Wood bounds and gap;
- :mod:`.evaluate`: any plan's cost and fill rates on a fresh sample (second stage only);
- :mod:`.value`: EV, EEV, VSS, wait-and-see and EVPI;
- :mod:`.risk`: percentiles, VaR and CVaR of a plan's cost.
"""

from .evaluate import Evaluation, evaluate
from .risk import cost_distribution, cvar, solution_cost_distribution
from .saa import SAAResult, saa
from .value import ValueOfInformation, value_of_information

__all__ = [
    "Evaluation",
    "SAAResult",
    "ValueOfInformation",
    "cost_distribution",
    "cvar",
    "evaluate",
    "saa",
    "solution_cost_distribution",
    "value_of_information",
]
