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


def ensure_transition(current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise Conflict(f"An order that is {current.value} cannot become {target.value}.")
