"""Extra statistics of a solve, as data for the JSON summary and the result workbook."""

from __future__ import annotations

from .evaluate import evaluate
from .value import value_of_information


def reduction_error(full, reduction, solution) -> dict:
    """The scenario reduction's Kantorovich distance and what it did to the objective.

    ``reduced_cost``: the plan's expected cost on the kept scenarios (what was optimised);
    ``full_cost``: the same plan on all the original scenarios (second stage only);
    their difference is the error the reduction made in the plan's cost.
    """
    full_cost = evaluate(full, solution.components["stock"].to_numpy(), sample_size=None).expected_cost
    reduced_cost = solution.expected_total_cost
    return {
        **reduction.summary(),
        "reduced_cost": reduced_cost,
        "full_cost": full_cost,
        "cost_difference": full_cost - reduced_cost,
    }


def describe_extras(extras: dict) -> list[str]:
    """Terminal lines for the value of information and the scenario reduction."""
    lines = []
    voi = extras.get("value_of_information")
    if voi:
        lines.append(
            "value of information: "
            + ", ".join(
                f"{k} {voi[k]:,.2f}"
                for k in ("recourse_problem", "eev", "vss", "wait_and_see", "evpi")
                if voi[k] is not None
            )
        )
        lines += [f"  note: {n}" for n in voi["notes"]]
    red = extras.get("scenario_reduction")
    if red:
        lines.append(
            f"scenarios reduced {red['scenarios_before']} -> {red['scenarios_after']}: Kantorovich distance "
            f"{red['kantorovich_distance']:,.4g} ({red['relative_distance']:.2%} of demand); the plan costs "
            f"{red['full_cost']:,.2f} on all scenarios ({red['cost_difference']:+,.2f} vs. the reduced problem)"
        )
    return lines


__all__ = ["describe_extras", "reduction_error", "value_of_information"]
