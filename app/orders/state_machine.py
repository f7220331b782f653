"""The order lifecycle: which status may follow which. The one place that decides."""

from app.errors import Conflict
from app.orders.models import OrderStatus

S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.SEARCHING: frozenset({S.ASSIGNED, S.CANCELLED, S.UNFULFILLED}),
    # An operator may hand an assigned job to another technician until he has arrived.
    S.ASSIGNED: frozenset({S.ASSIGNED, S.EN_ROUTE, S.CANCELLED}),
    S.EN_ROUTE: frozenset({S.ASSIGNED, S.ARRIVED, S.CANCELLED}),
    S.ARRIVED: frozenset({S.IN_PROGRESS, S.FAILED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.FAILED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.UNFULFILLED: frozenset(),
}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


# How a refusal names the order's state and the step asked of it, for the person who asked ("The order is
# already cancelled.", not "An order that is cancelled cannot become cancelled.").
_STATE = {
    S.SEARCHING: "still waiting for a technician", S.ASSIGNED: "assigned", S.EN_ROUTE: "en route",
    S.ARRIVED: "marked arrived", S.IN_PROGRESS: "in progress", S.COMPLETED: "completed", S.FAILED: "failed",
    S.CANCELLED: "cancelled", S.UNFULFILLED: "unfulfilled",
}  # fmt: skip
_STEP = {
    S.SEARCHING: "reopened", S.ASSIGNED: "assigned", S.EN_ROUTE: "marked en route", S.ARRIVED: "marked arrived",
    S.IN_PROGRESS: "started", S.COMPLETED: "completed", S.FAILED: "marked failed", S.CANCELLED: "cancelled",
    S.UNFULFILLED: "marked unfulfilled",
}  # fmt: skip


def ensure_transition(current: OrderStatus, target: OrderStatus) -> None:
    if can_transition(current, target):
        return
    if current is target:
        raise Conflict(f"The order is already {_STATE[current]}.")
    if not TRANSITIONS[current]:
        raise Conflict(f"The order is {_STATE[current]} and closed: it can no longer be {_STEP[target]}.")
    raise Conflict(f"The order is {_STATE[current]}: it cannot be {_STEP[target]} now.")
