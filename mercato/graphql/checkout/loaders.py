"""Batch loaders of checkouts; see mercato.graphql.core.dataloaders.

A loader's channel is the checkouts' channel, so that the variants of their lines
are shown (and priced) as that channel sells them.
"""

from __future__ import annotations

from mercato.account.models import User
from mercato.checkout.models import CheckoutLine
from mercato.graphql.core.dataloaders import Loader, RelatedListLoader, attach_batch
from mercato.product.models import ProductVariant


class LinesByCheckoutLoader(RelatedListLoader):
    model = CheckoutLine
    owner = "checkout"
    ordering = ("created_at", "id")


class ShippingRequiredByVariantLoader(Loader[int, bool]):
    """Whether each variant's product type needs shipping."""

    def default(self) -> bool:
        return True

    def batch_load(self, keys: list[int]) -> dict[int, bool]:
        rows = ProductVariant.objects.filter(pk__in=keys).values_list(
            "pk", "product__product_type__is_shipping_required"
        )
        return dict(rows)


class UserByIdLoader(Loader[int, User]):
    def batch_load(self, keys: list[int]) -> dict[int, User]:
        found = attach_batch(list(User.objects.filter(pk__in=keys)))
        return {u.pk: u for u in found}
