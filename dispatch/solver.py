"""The batch assignment: open orders to technicians at the least total cost. Pure: no I/O, no clock.

A min-cost flow over sparse arcs: source -> each order (capacity 1) -> each of its candidate technicians
(capacity 1, the arc's cost) -> sink, and each order -> sink directly at its "unassigned" price, so leaving
an order open is allowed but costly. The optimum of the whole batch, not nearest-first.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

# The flow solver works in integers: costs are scaled to tenths of a second.
COST_SCALE = 10


@dataclass(frozen=True, slots=True)
class OpenOrder:
    id: Hashable
    unassigned_cost: float


class Arc(NamedTuple):  # a tuple: a round gives the solver thousands
    order_id: Hashable
    technician_id: Hashable
    cost: float


@dataclass(frozen=True, slots=True)
class Assignment:
    order_id: Hashable
    technician_id: Hashable | None
    cost: float


class SolverError(RuntimeError):
    pass


def solve(orders: Sequence[OpenOrder], arcs: Sequence[Arc]) -> list[Assignment]:
    """One assignment per order (technician None: left open), each technician used at most once."""
    if not orders:
        return []
    order_index = {order.id: i for i, order in enumerate(orders)}
    technicians = list(dict.fromkeys(arc.technician_id for arc in arcs if arc.order_id in order_index))
    technician_index = {t: i for i, t in enumerate(technicians)}
    n_orders, n_technicians = len(orders), len(technicians)
    source = 0
    first_order = 1
    first_technician = first_order + n_orders
    sink = first_technician + n_technicians

    usable = [arc for arc in arcs if arc.order_id in order_index]
    tails = np.concatenate(
        [
            np.full(n_orders, source),
            np.array([first_order + order_index[a.order_id] for a in usable], dtype=np.int64),
            np.arange(first_order, first_order + n_orders),
            np.arange(first_technician, first_technician + n_technicians),
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            np.arange(first_order, first_order + n_orders),
            np.array([first_technician + technician_index[a.technician_id] for a in usable], dtype=np.int64),
            np.full(n_orders, sink),
            np.full(n_technicians, sink),
        ]
    ).astype(np.int32)
    costs = np.concatenate(
        [
            np.zeros(n_orders),
            np.array([_scaled(a.cost) for a in usable], dtype=np.int64),
            np.array([_scaled(o.unassigned_cost) for o in orders], dtype=np.int64),
            np.zeros(n_technicians),
        ]
    ).astype(np.int64)
    capacities = np.ones(len(tails), dtype=np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = n_orders, -n_orders
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")

    flows = flow.flows(np.arange(n_orders, n_orders + len(usable), dtype=np.int32))
    chosen: dict[Hashable, Arc] = {usable[k].order_id: usable[k] for k in np.flatnonzero(flows)}
    return [
        Assignment(order.id, chosen[order.id].technician_id, chosen[order.id].cost)
        if order.id in chosen
        else Assignment(order.id, None, order.unassigned_cost)
        for order in orders
    ]


def greedy_nearest(orders: Sequence[OpenOrder], arcs: Sequence[Arc]) -> list[Assignment]:
    """The baseline: orders in turn (oldest first) take their cheapest free technician."""
    by_order: dict[Hashable, list[Arc]] = {}
    for arc in arcs:
        by_order.setdefault(arc.order_id, []).append(arc)
    taken: set[Hashable] = set()
    result = []
    for order in orders:
        options = sorted(by_order.get(order.id, []), key=lambda arc: arc.cost)
        best = next((arc for arc in options if arc.technician_id not in taken), None)
        if best is None or best.cost >= order.unassigned_cost:
            result.append(Assignment(order.id, None, order.unassigned_cost))
        else:
            taken.add(best.technician_id)
            result.append(Assignment(order.id, best.technician_id, best.cost))
    return result


def total_cost(assignments: Sequence[Assignment]) -> float:
    return sum(a.cost for a in assignments)


def _scaled(cost: float) -> int:
    return round(cost * COST_SCALE)
