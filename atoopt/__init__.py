"""atoopt: how much of each component to stock for assemble-to-order manufacturing.

A two-stage stochastic program: stock levels first, assembly per demand scenario
second, minimising expected carrying plus shortage cost (and purchase, assembly,
revenue and salvage where prices are given). Written in Pyomo, solved by HiGHS.

    >>> import atoopt
    >>> instance = atoopt.load("instances/pc_maker.xlsx")   # doctest: +SKIP
    >>> solution = atoopt.solve(instance)                    # doctest: +SKIP
    >>> solution.components[["order", "stock"]]              # doctest: +SKIP
"""

from .errors import AtooptError, InputError, Problem, Report
from .instance import Instance, load
from .model import build_model
from .solution import Solution
from .solve import SolveOptions, solve

__version__ = "0.1.0"

__all__ = [
    "AtooptError",
    "InputError",
    "Instance",
    "Problem",
    "Report",
    "Solution",
    "SolveOptions",
    "__version__",
    "build_model",
    "load",
    "solve",
]
