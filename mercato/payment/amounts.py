"""A transaction's amounts, derived from its events in one function.

Providers report absolute facts about an operation they know by a PSP reference
("charge X succeeded for 10"). The same operation may be reported several times
(a request, then a success; a success, then a later failure), so events are grouped
by PSP reference and by kind (authorization, charge, refund, cancel), and within a
group only the latest request, success and failure count:

- a request counts as pending while its group has neither a success nor a failure;
- a success counts unless a newer failure in its group overrides it;
- a charge (pending or done) uses up the authorization it came from, a refund the
  charge, a cancel the authorization;
- AUTHORIZATION_ADJUSTMENT sets the authorized amount; authorization events older
  than the newest adjustment are ignored;
- CHARGE_BACK takes money back from the charged amount, REFUND_REVERSE returns a
  refund to it.

Events without a PSP reference are manual adjustments (transactionCreate,
transactionUpdate): each adds to (or, for an adjustment, sets) its own amount only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mercato.payment.models import TransactionEvent, TransactionItem
from mercato.payment.models import TransactionEventType as E

AMOUNT_FIELDS = (
    "authorized_amount",
    "authorize_pending_amount",
    "charged_amount",
    "charge_pending_amount",
    "refunded_amount",
    "refund_pending_amount",
    "canceled_amount",
    "cancel_pending_amount",
)

# kind -> (request, success, failure)
_KINDS: dict[str, tuple[E, E, E]] = {
    "authorize": (
        E.AUTHORIZATION_REQUEST,
        E.AUTHORIZATION_SUCCESS,
        E.AUTHORIZATION_FAILURE,
    ),
    "charge": (E.CHARGE_REQUEST, E.CHARGE_SUCCESS, E.CHARGE_FAILURE),
    "refund": (E.REFUND_REQUEST, E.REFUND_SUCCESS, E.REFUND_FAILURE),
    "cancel": (E.CANCEL_REQUEST, E.CANCEL_SUCCESS, E.CANCEL_FAILURE),
}
# Which amount an operation of each kind uses up.
_SOURCE = {
    "authorize": None,
    "charge": "authorize",
    "refund": "charge",
    "cancel": "authorize",
}
_KIND_OF: dict[str, str] = {
    str(event_type): kind for kind, types in _KINDS.items() for event_type in types
}
_AUTHORIZATION_TYPES = {*_KINDS["authorize"], E.AUTHORIZATION_ADJUSTMENT}
_MANUAL_DELTAS: dict[str, tuple[str, int]] = {
    E.AUTHORIZATION_SUCCESS: ("authorize", 1),
    E.CHARGE_SUCCESS: ("charge", 1),
    E.CHARGE_BACK: ("charge", -1),
    E.REFUND_SUCCESS: ("refund", 1),
    E.REFUND_REVERSE: ("refund", -1),
    E.CANCEL_SUCCESS: ("cancel", 1),
}


@dataclass
class _Group:
    request: TransactionEvent | None = None
    success: TransactionEvent | None = None
    failure: TransactionEvent | None = None


@dataclass
class Amounts:
    done: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(_KINDS, Decimal(0))
    )
    pending: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(_KINDS, Decimal(0))
    )

    def add(self, kind: str, amount: Decimal, *, pending: bool = False) -> None:
        (self.pending if pending else self.done)[kind] += amount
        source = _SOURCE[kind]
        if source is not None:
            self.done[source] -= amount


def _counted(events: Iterable[TransactionEvent]) -> list[TransactionEvent]:
    """Events that move money, oldest first, without authorizations older than
    the newest adjustment."""
    ordered = sorted(
        (event for event in events if event.include_in_calculations),
        key=lambda event: (event.created_at, event.pk or 0),
    )
    adjustments = [
        i for i, e in enumerate(ordered) if e.type == E.AUTHORIZATION_ADJUSTMENT
    ]
    if not adjustments:
        return ordered
    cut = adjustments[-1]
    return [
        event
        for i, event in enumerate(ordered)
        if i >= cut or event.type not in _AUTHORIZATION_TYPES
    ]


def compute_amounts(events: Iterable[TransactionEvent]) -> Amounts:
    amounts = Amounts()
    groups: dict[tuple[str, str], _Group] = {}
    for event in _counted(events):
        if event.type == E.AUTHORIZATION_ADJUSTMENT:
            # An adjustment replaces everything authorized before it (those
            # events were dropped above).
            amounts.done["authorize"] = event.amount
        elif not event.psp_reference:
            kind, sign = _MANUAL_DELTAS.get(event.type, ("", 0))
            if kind:
                amounts.done[kind] += sign * event.amount
        elif event.type == E.CHARGE_BACK:
            amounts.done["charge"] -= event.amount
        elif event.type == E.REFUND_REVERSE:
            amounts.done["refund"] -= event.amount
            amounts.done["charge"] += event.amount
        elif event.type in _KIND_OF:
            kind = _KIND_OF[event.type]
            group = groups.setdefault((kind, event.psp_reference), _Group())
            request, success, _ = _KINDS[kind]
            role = (
                "request"
                if event.type == request
                else "success"
                if event.type == success
                else "failure"
            )
            setattr(group, role, event)
    for (kind, _), group in groups.items():
        if group.request and not group.success and not group.failure:
            amounts.add(kind, group.request.amount, pending=True)
        if group.success and (
            group.failure is None
            or (group.success.created_at, group.success.pk or 0)
            > (group.failure.created_at, group.failure.pk or 0)
        ):
            amounts.add(kind, group.success.amount)
    return amounts


def recalculate_transaction_amounts(
    transaction: TransactionItem, events: Iterable[TransactionEvent]
) -> None:
    """Set the amounts of ``transaction`` from ``events`` (all of its events) and
    save them. Caller holds the transaction's row lock."""
    amounts = compute_amounts(events)
    # Charging more than was authorized leaves nothing authorized, not a debt.
    transaction.authorized_amount = max(amounts.done["authorize"], Decimal(0))
    transaction.authorize_pending_amount = amounts.pending["authorize"]
    transaction.charged_amount = amounts.done["charge"]
    transaction.charge_pending_amount = amounts.pending["charge"]
    transaction.refunded_amount = amounts.done["refund"]
    transaction.refund_pending_amount = amounts.pending["refund"]
    transaction.canceled_amount = amounts.done["cancel"]
    transaction.cancel_pending_amount = amounts.pending["cancel"]
    transaction.save(update_fields=[*AMOUNT_FIELDS, "modified_at"])
