"""An independent second computation: the LP assembled with numpy (atoopt.matrix) against the Pyomo model."""

from __future__ import annotations

import numpy as np
import pytest

import atoopt
from atoopt.generate import FEATURES, random_instance
from atoopt.matrix import solve_matrix

#: The reference: the Pyomo model (the default path builds the matrix itself).
PYOMO = atoopt.SolveOptions(path="pyomo")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("features", [(), FEATURES], ids=["plain", "every-option"])
def test_matrix_and_pyomo_agree_on_random_instances(seed, features):
    instance = random_instance(12, 15, 20, per_configuration=4, seed=seed, prices=seed % 2 == 0, features=features)
    reference = atoopt.solve(instance, PYOMO)
    independent = solve_matrix(instance)
    assert reference.solver["path"] == "pyomo" and independent.solver["path"] != "pyomo"
    assert reference.status == independent.status == "optimal"
    assert independent.expected_total_cost == pytest.approx(reference.expected_total_cost, rel=1e-6)
    assert reference.solver["nonzeros"] == independent.solver["nonzeros"]
    if not reference.solver["integer"]:  # expected costs of an LP plan are unique; decisions may tie
        expected_demand = reference.configurations["expected_demand"]
        np.testing.assert_allclose(independent.configurations["expected_demand"], expected_demand)
        lhs = reference.cost_breakdown.drop("total").sum()
        assert lhs == pytest.approx(reference.expected_total_cost, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_pyomo_objective_equals_the_cost_model_recomputed_from_the_plan(seed):
    instance = random_instance(8, 10, 15, seed=seed, prices=True, features=FEATURES)
    solution = atoopt.solve(instance, PYOMO)
    assert solution.solver["path"] == "pyomo"
    assert solution.solver["solver_objective"] == pytest.approx(solution.expected_total_cost, rel=1e-9)
