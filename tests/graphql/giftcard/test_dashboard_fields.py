"""Gift card reads the Saleor dashboard sends: the total without a page size."""

from __future__ import annotations

from typing import Any

import pytest

from mercato.core.permissions import Permission
from tests.factories.giftcard import make_gift_card

pytestmark = pytest.mark.django_db

MANAGE = (Permission.MANAGE_GIFT_CARD,)


def test_total_count_without_page_size(staff_gql: Any) -> None:
    make_gift_card()
    make_gift_card(is_active=False)
    result = staff_gql("{ giftCards { totalCount } }", permissions=MANAGE)
    assert result.errors is None
    assert result.data["giftCards"] == {"totalCount": 2}


def test_total_count_without_page_size_is_still_guarded(staff_gql: Any) -> None:
    make_gift_card()
    result = staff_gql("{ giftCards { totalCount } }", permissions=())
    assert result.errors is not None
    assert result.data is None or result.data["giftCards"] is None
