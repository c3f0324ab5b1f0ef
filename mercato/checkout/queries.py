"""Reads of checkouts."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mercato.checkout.calculations import recalculate_checkout
from mercato.checkout.models import Checkout
from mercato.core.permissions import Actor, Permission


def get_checkout(token: uuid.UUID) -> Checkout | None:
    """The checkout whose token is ``token``, for anyone who knows it.

    Its prices are recalculated first when they have expired (a price in the
    channel may have changed since); otherwise the stored prices are served.
    """
    checkout = Checkout.objects.filter(pk=token).first()
    if checkout is None or checkout.price_expiration > timezone.now():
        return checkout
    with transaction.atomic():
        locked = Checkout.objects.select_for_update().filter(pk=token).first()
        if locked is not None and locked.price_expiration <= timezone.now():
            recalculate_checkout(locked, list(locked.lines.all()))
        return locked


def list_checkouts(channel_id: int | None = None) -> QuerySet[Checkout]:
    checkouts = Checkout.objects.all()
    if channel_id is not None:
        checkouts = checkouts.filter(channel_id=channel_id)
    return checkouts


def may_see_checkout_user(actor: Actor, checkout: Checkout) -> bool:
    """The owner, and staff managing users or checkouts, see who owns a checkout."""
    if checkout.user_id is not None and checkout.user_id == actor.user_id:
        return True
    return actor.has_any_permission(
        Permission.MANAGE_USERS, Permission.MANAGE_CHECKOUTS
    )
