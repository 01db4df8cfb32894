"""Scale out: the same model solved by mpi-sppy, Pyomo's engine for stochastic programs on MPI.

- :mod:`~atoopt.scaleout.module`: the model module mpi-sppy loads (one scenario
  model each, from the core's builder; ``models/atoopt_mpisppy.py`` points at it).
- :mod:`~atoopt.scaleout.run`: :func:`solve_mpisppy`, the extensive form in this
  process or progressive hedging with bounding spokes on MPI ranks.
- :mod:`~atoopt.scaleout.plan`: the first-stage plan back as a :class:`~atoopt.solution.Solution`.
- :mod:`~atoopt.scaleout.source`: the instance as one string every rank can open.

Needs the optional extra ``mpi`` (``pip install 'atoopt[mpi]'``); see docs/mpi-sppy.md.
"""

from .plan import evaluate_plan
from .run import MpisppyOptions, solve_mpisppy

__all__ = ["MpisppyOptions", "evaluate_plan", "solve_mpisppy"]
