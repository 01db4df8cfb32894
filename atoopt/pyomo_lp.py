"""Hand a Pyomo model to HiGHS as one matrix, and its solution back.

Pyomo's standard-form compiler turns the model into sparse matrices in one pass
(no LP file, no per-constraint solver calls); :class:`CompiledModel` keeps which
column is which variable and which row which constraint, to load values and
duals back into the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from .highs import LP, HighsResult


@dataclass
class CompiledModel:
    lp: LP
    columns: list  # VarData per LP column
    rows: list  # ConstraintData per LP row (a ranged constraint has two rows)

    def load(self, model: pyo.ConcreteModel, result: HighsResult) -> None:
        """Set variable values and the ``dual`` suffix from a HiGHS result."""
        for var in model.component_data_objects(pyo.Var, active=True, descend_into=True):
            if not var.fixed:  # variables the LP never saw sit at their cheapest bound, 0 if free
                var.set_value(var.lb if var.lb is not None else 0.0, skip_validation=True)
        for var, value in zip(self.columns, result.x):
            var.set_value(round(value) if var.is_integer() else float(value), skip_validation=True)
        if not hasattr(model, "dual"):
            model.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
        model.dual.clear()
        for con, dual in zip(self.rows, result.row_dual):
            model.dual[con] = model.dual.get(con, 0.0) + float(dual)


def compile_model(model: pyo.ConcreteModel) -> CompiledModel:
    """The model's active objective and constraints as an :class:`~atoopt.highs.LP`."""
    form = LinearStandardFormCompiler().write(model, mixed_form=True)
    senses = np.fromiter((sense for _, sense in form.rows), dtype=int, count=len(form.rows))
    rhs = np.asarray(form.rhs, dtype=float)
    lower = np.where(senses <= 0, rhs, -np.inf)
    upper = np.where(senses >= 0, rhs, np.inf)
    columns = list(form.columns)
    col_lower = np.array([-np.inf if v.lb is None else v.lb for v in columns], dtype=float)
    col_upper = np.array([np.inf if v.ub is None else v.ub for v in columns], dtype=float)
    integer = np.array([v.is_integer() for v in columns], dtype=bool)
    c = form.c.toarray()[0] if form.c.shape[0] else np.zeros(len(columns))
    offset = float(form.c_offset[0]) if len(form.c_offset) else 0.0
    lp = LP(
        c=c,
        A=form.A,
        row_lower=lower,
        row_upper=upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        offset=offset,
    )
    return CompiledModel(lp, columns, [con for con, _ in form.rows])
