from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import Address, PermissionGroup, User
from mercato.channel.models import Channel
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.graphql.account.test_tokens import bearer, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_user_one() -> None:
    """``staff_gql`` acts as user 1: keep real users from getting that key."""
    User.objects.create(email="sequence@example.invalid").delete()


STAFF = (Permission.MANAGE_STAFF,)

CREATE = """
mutation($input: PermissionGroupCreateInput!) {
  permissionGroupCreate(input: $input) {
    group {
      name restrictedAccessToChannels
      permissions { code }
      users { email }
      accessibleChannels { slug }
    }
    errors { field code message permissions users channels }
    permissionGroupErrors { code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: PermissionGroupUpdateInput!) {
  permissionGroupUpdate(id: $id, input: $input) {
    group { name permissions { code } users { email } accessibleChannels { slug } }
    errors { field code permissions users channels }
  }
}
"""
DELETE = """
mutation($id: ID!) {
  permissionGroupDelete(id: $id) { group { id name } errors { field code permissions } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def channel(slug: str) -> Channel:
    return Channel.objects.create(
        name=slug, slug=slug, currency_code="USD", default_country="US"
    )


def test_create_group_with_users_and_channels(staff_gql: Any) -> None:
    staff = make_user("staff@example.com", is_staff=True)
    web = channel("web")
    channel("pos")
    result = staff_gql(
        CREATE,
        {
            "input": {
                "name": "Editors",
                "addPermissions": ["MANAGE_STAFF"],
                "addUsers": [gid("User", staff.pk)],
                "addChannels": [gid("Channel", web.pk)],
                "restrictedAccessToChannels": True,
            }
        },
        permissions=STAFF,
    )
    assert result.errors is None, result.errors
    payload = result.data["permissionGroupCreate"]
    assert payload["errors"] == [] and payload["permissionGroupErrors"] == []
    assert payload["group"] == {
        "name": "Editors",
        "restrictedAccessToChannels": True,
        "permissions": [{"code": "MANAGE_STAFF"}],
        "users": [{"email": "staff@example.com"}],
        "accessibleChannels": [{"slug": "web"}],
    }


def test_unrestricted_group_reaches_every_channel(staff_gql: Any) -> None:
    channel("web")
    channel("pos")
    result = staff_gql(CREATE, {"input": {"name": "All"}}, permissions=STAFF)
    slugs = result.data["permissionGroupCreate"]["group"]["accessibleChannels"]
    assert slugs == [{"slug": "pos"}, {"slug": "web"}]


def test_create_needs_manage_staff(gql: Any, staff_gql: Any) -> None:
    result = staff_gql(CREATE, {"input": {"name": "X"}}, permissions=())
    assert result.errors[0].message.startswith("You need one of")
    answer = gql(CREATE, {"input": {"name": "X"}})
    assert answer["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert not PermissionGroup.objects.exists()


def test_cannot_grant_permissions_one_lacks(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"name": "X", "addPermissions": ["MANAGE_STAFF", "MANAGE_ORDERS"]}},
        permissions=STAFF,
    )
    payload = result.data["permissionGroupCreate"]
    assert payload["group"] is None
    assert payload["errors"] == [
        {
            "field": "addPermissions",
            "code": "OUT_OF_SCOPE_PERMISSION",
            "message": "You can't grant or revoke permissions you don't have.",
            "permissions": ["MANAGE_ORDERS"],
            "users": None,
            "channels": None,
        }
    ]


def test_duplicate_name_and_non_staff_member(staff_gql: Any) -> None:
    PermissionGroup.objects.create(name="Editors")
    shopper = make_user("shopper@example.com")
    result = staff_gql(
        CREATE,
        {"input": {"name": "Editors", "addUsers": [gid("User", shopper.pk)]}},
        permissions=STAFF,
    )
    errors = result.data["permissionGroupCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("name", "UNIQUE"),
        ("addUsers", "ASSIGN_NON_STAFF_MEMBER"),
    ]
    assert errors[1]["users"] == [gid("User", shopper.pk)]
    assert PermissionGroup.objects.count() == 1


def test_unknown_ids_are_graphql_errors(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"name": "X", "addChannels": [gid("Channel", 999)]}},
        permissions=STAFF,
    )
    assert "Couldn't resolve to a node" in result.errors[0].message
    wrong = staff_gql(
        CREATE,
        {"input": {"name": "X", "addUsers": [gid("Product", 1)]}},
        permissions=STAFF,
    )
    assert "Expected: User" in wrong.errors[0].message
    assert not PermissionGroup.objects.exists()


def test_update_adds_and_removes(staff_gql: Any) -> None:
    ann = make_user("ann@example.com", is_staff=True)
    bob = make_user("bob@example.com", is_staff=True)
    web, pos = channel("web"), channel("pos")
    group = PermissionGroup.objects.create(
        name="Editors",
        permissions=["MANAGE_STAFF", "MANAGE_USERS"],
        restricted_access_to_channels=True,
    )
    group.users.add(ann)
    group.channels.add(web)
    make_user("root@example.com", is_staff=True, is_superuser=True)
    result = staff_gql(
        UPDATE,
        {
            "id": gid("Group", group.pk),
            "input": {
                "name": "Writers",
                "removePermissions": ["MANAGE_USERS"],
                "addUsers": [gid("User", bob.pk)],
                "removeUsers": [gid("User", ann.pk)],
                "addChannels": [gid("Channel", pos.pk)],
                "removeChannels": [gid("Channel", web.pk)],
            },
        },
        permissions=(Permission.MANAGE_STAFF, Permission.MANAGE_USERS),
    )
    assert result.errors is None, result.errors
    payload = result.data["permissionGroupUpdate"]
    assert payload["errors"] == []
    assert payload["group"] == {
        "name": "Writers",
        "permissions": [{"code": "MANAGE_STAFF"}],
        "users": [{"email": "bob@example.com"}],
        "accessibleChannels": [{"slug": "pos"}],
    }


def test_same_item_in_add_and_remove(staff_gql: Any) -> None:
    web = channel("web")
    group = PermissionGroup.objects.create(name="Editors")
    result = staff_gql(
        UPDATE,
        {
            "id": gid("Group", group.pk),
            "input": {
                "addPermissions": ["MANAGE_STAFF"],
                "removePermissions": ["MANAGE_STAFF"],
                "addChannels": [gid("Channel", web.pk)],
                "removeChannels": [gid("Channel", web.pk)],
            },
        },
        permissions=STAFF,
    )
    errors = result.data["permissionGroupUpdate"]["errors"]
    assert [e["code"] for e in errors] == ["DUPLICATED_INPUT_ITEM"] * 2
    assert errors[0]["permissions"] == ["MANAGE_STAFF"]
    assert errors[1]["channels"] == [gid("Channel", web.pk)]


def test_cannot_manage_members_with_more_permissions(staff_gql: Any) -> None:
    boss = make_user(
        "boss@example.com", is_staff=True, permissions=(Permission.MANAGE_ORDERS,)
    )
    group = PermissionGroup.objects.create(name="Editors")
    result = staff_gql(
        UPDATE,
        {"id": gid("Group", group.pk), "input": {"addUsers": [gid("User", boss.pk)]}},
        permissions=STAFF,
    )
    errors = result.data["permissionGroupUpdate"]["errors"]
    assert errors == [
        {
            "field": "addUsers",
            "code": "OUT_OF_SCOPE_USER",
            "permissions": None,
            "users": [gid("User", boss.pk)],
            "channels": None,
        }
    ]


def test_delete_group(staff_gql: Any) -> None:
    group = PermissionGroup.objects.create(name="Editors", permissions=["MANAGE_STAFF"])
    result = staff_gql(DELETE, {"id": gid("Group", group.pk)}, permissions=STAFF)
    payload = result.data["permissionGroupDelete"]
    assert payload == {
        "group": {"id": gid("Group", group.pk), "name": "Editors"},
        "errors": [],
    }
    assert not PermissionGroup.objects.exists()


def test_delete_group_with_permissions_out_of_scope(staff_gql: Any) -> None:
    group = PermissionGroup.objects.create(name="Admins", permissions=["MANAGE_APPS"])
    result = staff_gql(DELETE, {"id": gid("Group", group.pk)}, permissions=STAFF)
    errors = result.data["permissionGroupDelete"]["errors"]
    assert errors == [
        {
            "field": "id",
            "code": "OUT_OF_SCOPE_PERMISSION",
            "permissions": ["MANAGE_APPS"],
        }
    ]
    assert PermissionGroup.objects.exists()


GROUPS = """
query($filter: PermissionGroupFilterInput, $sortBy: PermissionGroupSortingInput,
      $first: Int, $after: String) {
  permissionGroups(filter: $filter, sortBy: $sortBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      name userCanManage
      users { email accessibleChannels { slug } defaultBillingAddress { city } }
    } }
  }
}
"""


def test_permission_groups_query(staff_gql: Any) -> None:
    for name in ("Alpha", "Beta", "Gamma"):
        PermissionGroup.objects.create(name=name, permissions=["MANAGE_STAFF"])
    PermissionGroup.objects.create(name="Owners", permissions=["MANAGE_APPS"])
    result = staff_gql(
        GROUPS,
        {"first": 2, "sortBy": {"field": "NAME", "direction": "DESC"}},
        permissions=STAFF,
    )
    data = result.data["permissionGroups"]
    assert data["totalCount"] == 4
    assert [e["node"]["name"] for e in data["edges"]] == ["Owners", "Gamma"]
    assert [e["node"]["userCanManage"] for e in data["edges"]] == [False, True]
    after = staff_gql(
        GROUPS,
        {
            "first": 5,
            "after": data["pageInfo"]["endCursor"],
            "sortBy": {"field": "NAME", "direction": "DESC"},
        },
        permissions=STAFF,
    )
    names = [e["node"]["name"] for e in after.data["permissionGroups"]["edges"]]
    assert names == ["Beta", "Alpha"]
    searched = staff_gql(
        GROUPS, {"first": 5, "filter": {"search": "amm"}}, permissions=STAFF
    )
    assert searched.data["permissionGroups"]["totalCount"] == 1


def test_permission_groups_need_manage_staff(staff_gql: Any) -> None:
    result = staff_gql(GROUPS, {"first": 5}, permissions=(Permission.MANAGE_USERS,))
    assert result.data["permissionGroups"] is None
    assert result.errors[0].message.startswith("You need one of")


def test_permission_group_by_id(staff_gql: Any) -> None:
    group = PermissionGroup.objects.create(name="Editors")
    query = "query($id: ID!) { permissionGroup(id: $id) { name } }"
    result = staff_gql(query, {"id": gid("Group", group.pk)}, permissions=STAFF)
    assert result.data == {"permissionGroup": {"name": "Editors"}}


def test_group_users_cost_the_same_for_any_page(
    staff_gql: Any, count_queries: Any
) -> None:
    channel("web")
    for index in range(6):
        group = PermissionGroup.objects.create(
            name=f"G{index}", restricted_access_to_channels=bool(index % 2)
        )
        address = Address.objects.create(city="Oslo", country="NO")
        member = make_user(
            f"u{index}@example.com", is_staff=True, default_billing_address=address
        )
        group.users.add(member)

    def run(first: int) -> int:
        with count_queries() as queries:
            result = staff_gql(GROUPS, {"first": first}, permissions=STAFF)
        assert result.errors is None, result.errors
        assert len(result.data["permissionGroups"]["edges"]) == first
        return len(queries)

    run(1)  # the channel list is cached from here on
    assert run(2) == run(6)


def test_user_channel_access(gql: Any, staff_gql: Any) -> None:
    web, pos = channel("web"), channel("pos")
    staff = make_user("staff@example.com", is_staff=True)
    first = PermissionGroup.objects.create(
        name="Web", restricted_access_to_channels=True
    )
    first.channels.add(web)
    first.users.add(staff)
    second = PermissionGroup.objects.create(
        name="Pos", restricted_access_to_channels=True
    )
    second.channels.add(pos)
    second.users.add(staff)
    query = "{ me { restrictedAccessToChannels accessibleChannels { slug } } }"
    token = sign_in(gql, "staff@example.com")["token"]
    me = gql(query, **bearer(token))["data"]["me"]
    assert me == {
        "restrictedAccessToChannels": True,
        "accessibleChannels": [{"slug": "pos"}, {"slug": "web"}],
    }
    PermissionGroup.objects.create(name="Open").users.add(staff)
    me = gql(query, **bearer(token))["data"]["me"]
    assert me["restrictedAccessToChannels"] is False
    assert me["accessibleChannels"] == [{"slug": "pos"}, {"slug": "web"}]


def test_cannot_leave_a_permission_unmanageable(staff_gql: Any) -> None:
    manager = make_user("manager@example.com", is_staff=True)
    group = PermissionGroup.objects.create(
        name="Managers", permissions=["MANAGE_STAFF", "MANAGE_USERS"]
    )
    group.users.add(manager)
    both = (Permission.MANAGE_STAFF, Permission.MANAGE_USERS)
    result = staff_gql(
        UPDATE,
        {
            "id": gid("Group", group.pk),
            "input": {"removePermissions": ["MANAGE_USERS"]},
        },
        permissions=both,
    )
    assert result.data["permissionGroupUpdate"]["errors"] == [
        {
            "field": "removePermissions",
            "code": "LEFT_NOT_MANAGEABLE_PERMISSION",
            "permissions": ["MANAGE_USERS"],
            "users": None,
            "channels": None,
        }
    ]
    deleted = staff_gql(DELETE, {"id": gid("Group", group.pk)}, permissions=both)
    errors = deleted.data["permissionGroupDelete"]["errors"]
    assert [e["code"] for e in errors] == ["LEFT_NOT_MANAGEABLE_PERMISSION"]
    group.refresh_from_db()
    assert group.permissions == ["MANAGE_STAFF", "MANAGE_USERS"]
    assert list(group.users.all()) == [manager]


def test_restricted_manager_stays_within_their_channels(gql: Any) -> None:
    web, pos = channel("web"), channel("pos")
    manager = make_user("manager@example.com", is_staff=True)
    own = PermissionGroup.objects.create(
        name="Web managers",
        permissions=["MANAGE_STAFF"],
        restricted_access_to_channels=True,
    )
    own.users.add(manager)
    own.channels.add(web)
    auth = bearer(sign_in(gql, "manager@example.com")["token"])
    result = gql(
        CREATE,
        {"input": {"name": "Everything", "addChannels": [gid("Channel", pos.pk)]}},
        **auth,
    )
    errors = result["data"]["permissionGroupCreate"]["errors"]
    assert [(e["field"], e["code"], e["channels"]) for e in errors] == [
        ("restrictedAccessToChannels", "OUT_OF_SCOPE_CHANNEL", None),
        ("addChannels", "OUT_OF_SCOPE_CHANNEL", [gid("Channel", pos.pk)]),
    ]
    allowed = gql(
        CREATE,
        {
            "input": {
                "name": "Web editors",
                "restrictedAccessToChannels": True,
                "addChannels": [gid("Channel", web.pk)],
            }
        },
        **auth,
    )
    assert allowed["data"]["permissionGroupCreate"]["errors"] == []
