from __future__ import annotations

import pytest

from mercato.account import services
from mercato.account.models import Address, PermissionGroup, RefreshToken, User
from mercato.account.queries import (
    UserFilter,
    UserWhere,
    find_user,
    is_restricted_to_channels,
    list_customers,
    list_permission_groups,
    list_staff,
    permissions_from_groups,
)
from mercato.core.errors import ValidationFailed
from mercato.core.permissions import Actor, Permission
from tests.factories.account import make_user

pytestmark = pytest.mark.django_db


def manager(*permissions: Permission, user_id: int | None = None) -> Actor:
    return Actor(
        user_id=user_id,
        is_staff=True,
        permissions=frozenset((Permission.MANAGE_STAFF, *permissions)),
    )


def codes(failed: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.code for error in failed.value.errors]


def test_create_superuser() -> None:
    user = services.create_superuser(
        email=" Root@Example.com ", password="x", validate=False
    )
    assert (user.email, user.is_staff, user.is_superuser) == (
        "root@example.com",
        True,
        True,
    )
    with pytest.raises(ValidationFailed) as failed:
        services.create_superuser(email="root@example.com", password="x")
    assert codes(failed) == ["UNIQUE"]
    seen: list[User] = []
    same = services.create_superuser(
        email="root@example.com", password="y", on_exists=seen.append
    )
    assert seen == [same] and same.pk == user.pk


def test_create_superuser_validates_password() -> None:
    with pytest.raises(ValidationFailed) as failed:
        services.create_superuser(email="a@example.com", password="password")
    assert set(codes(failed)) == {"INVALID_PASSWORD"}
    with pytest.raises(ValidationFailed) as missing:
        services.create_superuser(email="a@example.com", password="", validate=False)
    assert codes(missing) == ["REQUIRED"]


def test_group_name_is_required_and_unique() -> None:
    PermissionGroup.objects.create(name="Editors")
    for name, code in (("", "REQUIRED"), ("Editors", "UNIQUE"), ("x" * 151, "INVALID")):
        with pytest.raises(ValidationFailed) as failed:
            services.create_permission_group(
                actor=manager(), changes=services.GroupChanges(name=name)
            )
        assert codes(failed) == [code]


def test_removing_permissions_one_lacks_is_out_of_scope() -> None:
    group = PermissionGroup.objects.create(name="Ops", permissions=["MANAGE_ORDERS"])
    with pytest.raises(ValidationFailed) as failed:
        services.update_permission_group(
            actor=manager(),
            group_id=group.pk,
            changes=services.GroupChanges(remove_permissions=["MANAGE_ORDERS"]),
        )
    assert codes(failed) == ["OUT_OF_SCOPE_PERMISSION"]
    assert failed.value.errors[0].extra == {"permissions": ["MANAGE_ORDERS"]}


def test_unknown_group_or_user() -> None:
    with pytest.raises(services.ObjectsNotFound):
        services.update_permission_group(
            actor=manager(), group_id=999, changes=services.GroupChanges()
        )
    with pytest.raises(services.ObjectsNotFound):
        services.update_staff_member(
            actor=manager(), user_id=999, changes=services.UserChanges()
        )


def test_deactivating_staff_revokes_refresh_tokens() -> None:
    member = make_user("member@example.com", is_staff=True)
    token = RefreshToken.objects.create(jti="one", user=member)
    key = member.jwt_token_key
    services.update_staff_member(
        actor=manager(),
        user_id=member.pk,
        changes=services.UserChanges(is_active=False),
    )
    member.refresh_from_db()
    token.refresh_from_db()
    assert not member.is_active and member.jwt_token_key != key and token.revoked


def test_only_a_superuser_deactivates_a_superuser() -> None:
    root = make_user("root@example.com", is_staff=True, is_superuser=True)
    with pytest.raises(ValidationFailed) as failed:
        services.update_staff_member(
            actor=manager(),
            user_id=root.pk,
            changes=services.UserChanges(is_active=False),
        )
    assert "DEACTIVATE_SUPERUSER_ACCOUNT" in codes(failed)


def test_deleting_a_customer_deletes_their_addresses() -> None:
    customer = services.create_customer(
        actor=manager(),
        changes=services.UserChanges(
            email="ada@example.com",
            default_shipping_address={
                "country": "PL",
                "city": "Warszawa",
                "street_address_1": "Marszałkowska 1",
                "postal_code": "00-001",
            },
        ),
    )
    assert customer.default_shipping_address is not None
    services.delete_customer(actor=manager(), user_id=customer.pk)
    assert not Address.objects.exists() and not User.objects.exists()


def test_lists_and_channel_restriction() -> None:
    staff = make_user("staff@example.com", is_staff=True, first_name="Sam")
    make_user("ada@example.com")
    assert list(list_staff(UserFilter(search="sam"))) == [staff]
    assert [u.email for u in list_customers(UserFilter())] == ["ada@example.com"]
    restricted = PermissionGroup(name="A", restricted_access_to_channels=True)
    open_group = PermissionGroup(name="B", permissions=["MANAGE_USERS", "UNKNOWN"])
    assert is_restricted_to_channels(staff, [restricted])
    assert not is_restricted_to_channels(staff, [restricted, open_group])
    assert permissions_from_groups(staff, [open_group]) == {Permission.MANAGE_USERS}


def test_nul_characters_are_invalid_input() -> None:
    with pytest.raises(ValidationFailed) as failed:
        services.create_customer(
            actor=manager(),
            changes=services.UserChanges(
                email="a\x00@example.com",
                first_name="A\x00",
                metadata=[("k", "v\x00")],
                default_billing_address={"country": "US", "city": "x\x00"},
            ),
        )
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("email", "INVALID"),
        ("firstName", "INVALID"),
        ("metadata", "INVALID"),
    ]
    with pytest.raises(ValidationFailed) as address:
        services.create_customer(
            actor=manager(),
            changes=services.UserChanges(
                email="a@example.com",
                default_billing_address={"country": "US", "city": "x\x00"},
            ),
        )
    assert address.value.errors[0].extra == {"address_type": "BILLING"}
    with pytest.raises(ValidationFailed) as group:
        services.create_permission_group(
            actor=manager(), changes=services.GroupChanges(name="a\x00")
        )
    assert codes(group) == ["INVALID"]


def test_nul_characters_in_reads_match_nothing() -> None:
    make_user("ada@example.com", metadata={"k": "v"})
    assert find_user(email="ada@example.com\x00") is None
    assert find_user(external_reference="\x00") is None
    assert not list_customers(UserFilter(search="ada\x00x"))
    assert not list_customers(UserFilter(metadata=[("k", "v\x00")]))
    assert not list_customers(UserFilter(), UserWhere(emails=["ada\x00"]))
    assert not list(list_permission_groups(search="\x00"))
