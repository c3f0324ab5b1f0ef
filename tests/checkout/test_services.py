from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from mercato.account.addresses import AddressType
from mercato.channel.services import delete_channel
from mercato.checkout import services
from mercato.checkout.models import Checkout, CheckoutLine
from mercato.checkout.queries import get_checkout
from mercato.checkout.services import LineInput
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor
from mercato.product.models import ProductChannelListing, ProductVariantChannelListing
from tests.factories.account import make_user
from tests.factories.catalog import Catalog, ChannelFactory, build_catalog

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "street_address_1": "1 Main St",
    "city": "New York",
    "postal_code": "10001",
    "country": "US",
    "country_area": "NY",
}


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog(2)


def create(catalog: Catalog, *lines: tuple[int, int], **kwargs: Any) -> Checkout:
    return services.create_checkout(
        actor=kwargs.pop("actor", Actor.anonymous()),
        channel_slug=kwargs.pop("channel_slug", catalog.channel.slug),
        lines=[
            LineInput(variant_id=catalog.variants[i].pk, quantity=q) for i, q in lines
        ],
        **kwargs,
    )


def codes(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.code for error in failed.value.errors]


def test_create_prices_lines_and_totals(catalog: Catalog) -> None:
    checkout = create(catalog, (0, 2), (1, 1), email="Ada@Example.com")
    lines = list(checkout.lines.order_by("variant_id"))
    assert [(line.quantity, line.total_price_gross_amount) for line in lines] == [
        (2, Decimal("20.000")),
        (1, Decimal("11.000")),
    ]
    checkout.refresh_from_db()
    assert (
        checkout.subtotal_gross_amount
        == checkout.total_gross_amount
        == Decimal("31.000")
    )
    assert checkout.currency == "USD"
    assert checkout.email == "ada@example.com"
    assert checkout.price_expiration > timezone.now()


def test_create_merges_repeated_variants(catalog: Catalog) -> None:
    checkout = create(catalog, (0, 1), (0, 2))
    assert list(checkout.lines.values_list("quantity", flat=True)) == [3]


def test_create_with_addresses(catalog: Catalog) -> None:
    checkout = create(
        catalog, (0, 1), shipping_address=ADDRESS, billing_address=ADDRESS
    )
    assert checkout.shipping_address is not None
    assert checkout.shipping_address.city == "NEW YORK"
    assert checkout.billing_address is not None


def test_create_for_signed_in_user_takes_their_email(catalog: Catalog) -> None:
    user = make_user(email="me@example.com")
    checkout = create(catalog, (0, 1), actor=Actor(user_id=user.pk))
    assert checkout.user_id == user.pk
    assert checkout.email == "me@example.com"


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        (None, "MISSING_CHANNEL_SLUG"),
        ("nope", "NOT_FOUND"),
        ("off", "CHANNEL_INACTIVE"),
    ],
)
def test_create_needs_an_active_channel(
    catalog: Catalog, slug: str | None, code: str
) -> None:
    ChannelFactory(slug="off", is_active=False)
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 1), channel_slug=slug)
    assert codes(failed) == [code]
    assert not Checkout.objects.exists()


def test_create_rejects_bad_address_and_email(catalog: Catalog) -> None:
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 1), email="not-an-email")
    assert codes(failed) == ["INVALID"]
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 1), email="a" * 250 + "@example.com")
    assert codes(failed) == ["INVALID"]
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 1), shipping_address={**ADDRESS, "postal_code": "x"})
    assert failed.value.errors[0].extra == {"address_type": "SHIPPING"}
    assert not Checkout.objects.exists()


def _unpublish(catalog: Catalog) -> None:
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        is_published=False
    )


def _unprice(catalog: Catalog) -> None:
    ProductVariantChannelListing.objects.filter(variant=catalog.variants[0]).update(
        price_amount=None
    )


def _unavailable(catalog: Catalog) -> None:
    ProductChannelListing.objects.filter(product=catalog.products[0]).update(
        available_for_purchase_at=None
    )


@pytest.mark.parametrize(
    ("spoil", "quantity", "code"),
    [
        (None, 0, "ZERO_QUANTITY"),
        (None, -1, "ZERO_QUANTITY"),
        (None, 11, "INSUFFICIENT_STOCK"),
        (None, 51, "QUANTITY_GREATER_THAN_LIMIT"),
        (_unpublish, 1, "PRODUCT_NOT_PUBLISHED"),
        (_unprice, 1, "UNAVAILABLE_VARIANT_IN_CHANNEL"),
        (_unavailable, 1, "PRODUCT_UNAVAILABLE_FOR_PURCHASE"),
    ],
)
def test_line_rules_on_add_change_nothing(
    catalog: Catalog, spoil: Any, quantity: int, code: str
) -> None:
    checkout = create(catalog, (1, 1))
    if spoil:
        spoil(catalog)
    with pytest.raises(ValidationFailed) as failed:
        services.add_checkout_lines(
            token=checkout.pk,
            lines=[LineInput(variant_id=catalog.variants[0].pk, quantity=quantity)],
        )
    assert codes(failed) == [code]
    assert list(checkout.lines.values_list("variant_id", "quantity")) == [
        (catalog.variants[1].pk, 1)
    ]


def test_insufficient_stock_names_the_variants(catalog: Catalog) -> None:
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 11), (1, 1))
    assert failed.value.errors[0].extra == {"variants": [catalog.variants[0].pk]}


def test_variant_limit_per_customer(catalog: Catalog) -> None:
    variant = catalog.variants[0]
    variant.quantity_limit_per_customer = 2
    variant.save()
    checkout = create(catalog, (0, 2))
    with pytest.raises(ValidationFailed) as failed:
        services.add_checkout_lines(
            token=checkout.pk, lines=[LineInput(variant_id=variant.pk, quantity=1)]
        )
    assert codes(failed) == ["QUANTITY_GREATER_THAN_LIMIT"]


@override_settings(MAX_CHECKOUT_LINE_QUANTITY=3)
def test_checkout_limit_from_settings(catalog: Catalog) -> None:
    with pytest.raises(ValidationFailed) as failed:
        create(catalog, (0, 4))
    assert codes(failed) == ["QUANTITY_GREATER_THAN_LIMIT"]


def test_unknown_variant_is_not_found(catalog: Catalog) -> None:
    with pytest.raises(ValidationFailed) as failed:
        services.create_checkout(
            actor=Actor.anonymous(),
            channel_slug=catalog.channel.slug,
            lines=[LineInput(variant_id=10**9, quantity=1)],
        )
    assert codes(failed) == ["NOT_FOUND"]


def test_add_update_delete_lines_recalculate(catalog: Catalog) -> None:
    checkout = create(catalog, (0, 1))
    checkout = services.add_checkout_lines(
        token=checkout.pk,
        lines=[
            LineInput(variant_id=catalog.variants[0].pk, quantity=2),
            LineInput(variant_id=catalog.variants[1].pk, quantity=1),
        ],
    )
    assert checkout.total_gross_amount == Decimal("41.000")
    first, second = CheckoutLine.objects.order_by("id")
    checkout = services.update_checkout_lines(
        token=checkout.pk,
        lines=[
            LineInput(variant_id=None, line_id=first.pk, quantity=1),
            LineInput(variant_id=None, line_id=second.pk, quantity=0),
        ],
    )
    assert checkout.total_gross_amount == Decimal("10.000")
    assert list(checkout.lines.values_list("pk", flat=True)) == [first.pk]
    checkout = services.delete_checkout_lines(token=checkout.pk, line_ids=[first.pk])
    assert checkout.total_gross_amount == Decimal("0")
    assert not checkout.lines.exists()


def test_update_rejects_foreign_line(catalog: Catalog) -> None:
    mine, other = create(catalog, (0, 1)), create(catalog, (1, 1))
    line = other.lines.get()
    with pytest.raises(ValidationFailed) as failed:
        services.update_checkout_lines(
            token=mine.pk,
            lines=[LineInput(variant_id=None, line_id=line.pk, quantity=2)],
        )
    assert codes(failed) == ["NOT_FOUND"]
    with pytest.raises(ValidationFailed):
        services.delete_checkout_lines(token=mine.pk, line_ids=[line.pk])
    assert other.lines.get().quantity == 1


def test_email_language_customer(catalog: Catalog) -> None:
    checkout = create(catalog, (0, 1))
    with pytest.raises(ValidationFailed) as failed:
        services.update_checkout_email(token=checkout.pk, email="")
    assert codes(failed) == ["REQUIRED"]
    checkout = services.update_checkout_email(token=checkout.pk, email="a@b.co")
    assert checkout.email == "a@b.co"
    checkout = services.update_checkout_language(token=checkout.pk, language_code="pl")
    assert Checkout.objects.get().language_code == "pl"
    user, other = make_user(email="u@example.com"), make_user(email="o@example.com")
    checkout = services.attach_checkout_customer(user=user, token=checkout.pk)
    assert (checkout.user_id, checkout.email) == (user.pk, "u@example.com")
    with pytest.raises(services.NotCheckoutOwner):
        services.attach_checkout_customer(user=other, token=checkout.pk)
    with pytest.raises(services.NotCheckoutOwner):
        services.detach_checkout_customer(
            actor=Actor(user_id=other.pk), token=checkout.pk
        )
    checkout = services.detach_checkout_customer(
        actor=Actor(user_id=user.pk), token=checkout.pk
    )
    assert checkout.user_id is None


def test_address_update_saves_to_the_owners_book(catalog: Catalog) -> None:
    user = make_user(email="u@example.com")
    checkout = create(catalog, (0, 1), actor=Actor(user_id=user.pk))
    checkout = services.update_checkout_address(
        token=checkout.pk, address_type=AddressType.SHIPPING, data=ADDRESS
    )
    assert checkout.shipping_address is not None
    assert user.addresses.count() == 1
    services.update_checkout_address(
        token=checkout.pk,
        address_type=AddressType.BILLING,
        data=ADDRESS,
        save_address=False,
    )
    assert user.addresses.count() == 1
    assert Checkout.objects.get().billing_address is not None


def test_prices_are_recalculated_only_once_expired(catalog: Catalog) -> None:
    checkout = create(catalog, (0, 1))
    ProductVariantChannelListing.objects.filter(
        variant=catalog.variants[0], channel=catalog.channel
    ).update(price_amount=Decimal("99"))
    fresh = get_checkout(checkout.pk)
    assert fresh is not None and fresh.total_gross_amount == Decimal("10.000")
    Checkout.objects.update(
        price_expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    stale = get_checkout(checkout.pk)
    assert stale is not None and stale.total_gross_amount == Decimal("99.000")


def test_deleting_the_channel_deletes_its_checkouts(catalog: Catalog) -> None:
    create(catalog, (0, 1))
    delete_channel(actor=Actor.anonymous(), channel_id=catalog.channel.pk)
    assert not Checkout.objects.exists()
    assert not CheckoutLine.objects.exists()
