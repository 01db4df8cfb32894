"""atoopt's model module for mpi-sppy: point mpi-sppy's drivers at this file.

The functions mpi-sppy looks for (``scenario_creator``, ``scenario_names_creator``,
``kw_creator``, ``inparser_adder``, ``scenario_denouement``, and the optional
``custom_writer`` hook) live in :mod:`atoopt.scaleout.module`, so the installed
``atoopt mpisppy`` command and this file run the very same code; each scenario
model is atoopt's own Pyomo builder (:func:`atoopt.model.build_model`) on the
instance restricted to that scenario. See docs/mpi-sppy.md. For example::

    # extensive form, one process
    python -m mpisppy.generic_cylinders --module-name models/atoopt_mpisppy \\
        --instance instances/smoothie_bar.xlsx --solver-name appsi_highs --EF \\
        --EF-solver-name appsi_highs --EF-solver-options "mip_rel_gap=0"

    # progressive hedging with a Lagrangian lower bound and an xhat upper bound, 3 ranks
    mpiexec -n 3 python -m mpi4py -m mpisppy.generic_cylinders --module-name models/atoopt_mpisppy \\
        --instance example:pc_maker --drop-fill-rate-targets --solver-name appsi_highs \\
        --default-rho 10 --max-iterations 200 --rel-gap 1e-4 --lagrangian --xhatshuffle
"""

from atoopt.scaleout.module import (
    custom_writer,
    inparser_adder,
    kw_creator,
    scenario_creator,
    scenario_denouement,
    scenario_names_creator,
)

__all__ = [
    "custom_writer",
    "inparser_adder",
    "kw_creator",
    "scenario_creator",
    "scenario_denouement",
    "scenario_names_creator",
]
