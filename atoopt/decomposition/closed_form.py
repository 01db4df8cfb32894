"""The exact plan, in closed form, when no two configurations share a component.

Then the problem separates by configuration i into a newsvendor in the kit level
``y_i`` (kits' worth of stock): component j of i is stocked at
``x_j = max(a_ij y_i, L_j)`` (``L_j = max(on_hand_j, min_stock_j)``) and the
scenario assembles ``z_is = min(d_is, y_i)`` when assembling pays
(``net_i = k_i - r_i - b_i + sum_j a_ij v_j < 0``). The cost

    F_i(y) = sum_j C_j(max(a_ij y, L_j)) + net_i sum_s p_s min(d_is, y)

is convex and piecewise linear, so its minimum lies at a breakpoint: a demand
value, ``L_j / a_ij``, ``on_hand_j / a_ij`` or a bound. ``C_j(x) = (h_j - v_j) x
+ c_j (x - on_hand_j)`` is the cost of stock. The form holds when stock beyond
need never pays (``h_j >= v_j``) and nothing else links components (no
resources, lots, fill-rate targets or a CVaR term); :func:`applies` checks it.
"""

from __future__ import annotations

import numpy as np

from ..instance import Instance


def applies(instance: Instance) -> bool:
    """Whether :func:`solve_closed_form` gives the exact optimum of ``instance``."""
    a = instance.arrays
    uses = np.diff(a.A.tocsc().indptr)
    low, high = a.order_bounds
    return bool(
        np.all(uses <= 1)
        and np.all(low <= high)
        and instance.resource_table()[0].empty
        and np.all(np.isnan(a.lot_size))
        and np.all(np.isnan(a.f) | (a.f <= 0))
        and np.all(a.h >= a.v)
        and np.all(a.c >= 0)
        and not instance.settings.get("cvar_weight")
    )


def solve_closed_form(instance: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stock x (J), assembly z (S x I) and availability duals (S x J) of the optimal plan."""
    a = instance.arrays
    low, high = a.order_bounds
    floor = a.on_hand + low  # L_j
    ceiling = a.on_hand + high
    x = floor.copy()  # unused components: the least stock allowed (stock costs >= 0)
    Z = np.zeros((len(a.S), len(a.I)))
    dual = np.zeros((len(a.S), len(a.J)))
    A = a.A.tocsr()
    net = a.assembly_cost_net
    for i in range(len(a.I)):
        parts, qty = A.indices[A.indptr[i] : A.indptr[i + 1]], A.data[A.indptr[i] : A.indptr[i + 1]]
        if not len(parts):
            continue
        free = float(np.min(floor[parts] / qty))  # kits the forced stock already covers
        cap = float(np.min(ceiling[parts] / qty))
        y = free
        if net[i] < 0 and cap > free:
            y = _best_kit_level(a, i, parts, qty, free, cap, net[i])
        x[parts] = np.maximum(qty * y, floor[parts])
        level = float(np.min(x[parts] / qty))
        Z[:, i] = np.minimum(a.D[:, i], level) if net[i] < 0 else 0.0
        binding = parts[np.argmin(x[parts] / qty)]
        short = (a.D[:, i] > level) & (net[i] < 0)
        dual[short, binding] = a.p[short] * net[i] / A[i, binding]
    return x, Z, dual


def _best_kit_level(a, i, parts, qty, free, cap, net_i) -> float:
    """argmin of F_i(y) over [free, cap] by evaluating every breakpoint (the highest, if several)."""
    d = a.D[:, i]
    points = np.concatenate([[free], d, a.on_hand[parts] / qty, (a.on_hand[parts] + a.order_bounds[0][parts]) / qty])
    if np.isfinite(cap):
        points = np.append(points, cap)
    points = np.unique(points[(points >= free) & (points <= cap)])
    order = np.argsort(d)
    d_sorted, p_sorted = d[order], a.p[order]
    below = np.searchsorted(d_sorted, points, side="left")
    mass_d = np.concatenate([[0.0], np.cumsum(p_sorted * d_sorted)])
    mass = np.concatenate([[0.0], np.cumsum(p_sorted)])
    expected_min = mass_d[below] + points * (mass[-1] - mass[below])  # E[min(d, y)]
    stock = np.maximum(qty[None, :] * points[:, None], (a.on_hand + a.order_bounds[0])[parts][None, :])
    c, h, v, on_hand = a.c[parts], a.h[parts], a.v[parts], a.on_hand[parts]
    cost = stock @ (h - v) + np.maximum(stock - on_hand[None, :], 0.0) @ c
    total = cost + net_i * expected_min
    # among equally cheap levels, the highest: more service at no extra cost
    tied = total <= total.min() + 1e-9 * max(1.0, abs(total.min()))
    return float(points[np.flatnonzero(tied)[-1]])
