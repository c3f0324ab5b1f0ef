from __future__ import annotations

from typing import Any

import pytest

from mercato.account.models import PermissionGroup, User
from mercato.core.permissions import Permission
from mercato.graphql.core.ids import to_global_id
from tests.factories.account import make_user
from tests.graphql.account.test_storefront_register import deferred_emails, link_params
from tests.graphql.account.test_tokens import ME, bearer, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_user_one() -> None:
    """``staff_gql`` acts as user 1: keep real users from getting that key."""
    User.objects.create(email="sequence@example.invalid").delete()


STAFF = (Permission.MANAGE_STAFF,)

CREATE = """
mutation($input: StaffCreateInput!) {
  staffCreate(input: $input) {
    user { email firstName isStaff isActive permissionGroups { name } }
    errors { field code groups }
    staffErrors { code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: StaffUpdateInput!) {
  staffUpdate(id: $id, input: $input) {
    user { email isActive lastName permissionGroups { name } }
    errors { field code groups users }
  }
}
"""
SET_PASSWORD = """
mutation($email: String!, $token: String!, $password: String!) {
  setPassword(email: $email, token: $token, password: $password) { errors { code } }
}
"""
DELETE = """
mutation($id: ID!) {
  staffDelete(id: $id) { user { id email } errors { field code } }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def signed_in_manager(gql: Any, *extra: Permission) -> tuple[User, dict[str, str]]:
    """A real staff member holding MANAGE_STAFF (and ``extra``), signed in."""
    manager = make_user(
        "manager@example.com",
        is_staff=True,
        permissions=(Permission.MANAGE_STAFF, *extra),
    )
    return manager, bearer(sign_in(gql, "manager@example.com")["token"])


def test_create_staff_member_in_groups(staff_gql: Any) -> None:
    group = PermissionGroup.objects.create(name="Editors", permissions=["MANAGE_STAFF"])
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": " New@Example.com",
                "firstName": "Nia",
                "addGroups": [gid("Group", group.pk)],
                "redirectUrl": "https://dashboard.example.com/",
            }
        },
        permissions=STAFF,
    )
    assert result.errors is None, result.errors
    payload = result.data["staffCreate"]
    assert payload["errors"] == [] and payload["staffErrors"] == []
    assert payload["user"] == {
        "email": "new@example.com",
        "firstName": "Nia",
        "isStaff": True,
        "isActive": True,
        "permissionGroups": [{"name": "Editors"}],
    }


def test_create_staff_errors(staff_gql: Any) -> None:
    make_user("taken@example.com")
    admins = PermissionGroup.objects.create(name="Admins", permissions=["MANAGE_APPS"])
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": "taken@example.com",
                "addGroups": [gid("Group", admins.pk)],
            }
        },
        permissions=STAFF,
    )
    errors = result.data["staffCreate"]["errors"]
    assert errors == [
        {"field": "email", "code": "UNIQUE", "groups": None},
        {
            "field": "addGroups",
            "code": "OUT_OF_SCOPE_GROUP",
            "groups": [gid("Group", admins.pk)],
        },
    ]
    invalid = staff_gql(CREATE, {"input": {"email": "nope"}}, permissions=STAFF)
    assert invalid.data["staffCreate"]["errors"][0]["code"] == "INVALID"
    assert User.objects.count() == 1


def test_staff_mutations_need_manage_staff(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"email": "x@example.com"}},
        permissions=(Permission.MANAGE_USERS,),
    )
    assert result.data["staffCreate"] is None
    assert result.errors[0].message.startswith("You need one of")


def test_update_groups_and_names(staff_gql: Any) -> None:
    old = PermissionGroup.objects.create(name="Old")
    new = PermissionGroup.objects.create(name="New")
    member = make_user("member@example.com", is_staff=True)
    old.users.add(member)
    result = staff_gql(
        UPDATE,
        {
            "id": gid("User", member.pk),
            "input": {
                "lastName": "Lovelace",
                "addGroups": [gid("Group", new.pk)],
                "removeGroups": [gid("Group", old.pk)],
            },
        },
        permissions=STAFF,
    )
    payload = result.data["staffUpdate"]
    assert payload["errors"] == []
    assert payload["user"]["lastName"] == "Lovelace"
    assert payload["user"]["permissionGroups"] == [{"name": "New"}]


def test_same_group_added_and_removed(staff_gql: Any) -> None:
    group = PermissionGroup.objects.create(name="Editors")
    member = make_user("member@example.com", is_staff=True)
    group_id = gid("Group", group.pk)
    result = staff_gql(
        UPDATE,
        {
            "id": gid("User", member.pk),
            "input": {"addGroups": [group_id], "removeGroups": [group_id]},
        },
        permissions=STAFF,
    )
    errors = result.data["staffUpdate"]["errors"]
    assert errors == [
        {
            "field": None,
            "code": "DUPLICATED_INPUT_ITEM",
            "groups": [group_id],
            "users": None,
        }
    ]


def test_deactivating_revokes_tokens(gql: Any) -> None:
    _, auth = signed_in_manager(gql)
    make_user("member@example.com", is_staff=True)
    member_token = sign_in(gql, "member@example.com")["token"]
    assert (
        gql(ME, **bearer(member_token))["data"]["me"]["email"] == "member@example.com"
    )
    member = User.objects.get(email="member@example.com")
    result = gql(
        UPDATE,
        {"id": gid("User", member.pk), "input": {"isActive": False}},
        **auth,
    )
    assert result["data"]["staffUpdate"]["errors"] == []
    assert result["data"]["staffUpdate"]["user"]["isActive"] is False
    answer = gql(ME, **bearer(member_token))
    assert answer.get("data") is None or answer["data"]["me"] is None


def test_cannot_deactivate_or_delete_oneself(gql: Any) -> None:
    manager, auth = signed_in_manager(gql)
    deactivate = gql(
        UPDATE, {"id": gid("User", manager.pk), "input": {"isActive": False}}, **auth
    )
    errors = deactivate["data"]["staffUpdate"]["errors"]
    assert [e["code"] for e in errors] == ["DEACTIVATE_OWN_ACCOUNT"]
    delete = gql(DELETE, {"id": gid("User", manager.pk)}, **auth)
    assert delete["data"]["staffDelete"]["errors"] == [
        {"field": "id", "code": "DELETE_OWN_ACCOUNT"}
    ]
    manager.refresh_from_db()
    assert manager.is_active


def test_cannot_delete_superuser_or_customer(gql: Any) -> None:
    _, auth = signed_in_manager(gql)
    root = make_user("root@example.com", is_staff=True, is_superuser=True)
    shopper = make_user("shopper@example.com")
    result = gql(DELETE, {"id": gid("User", root.pk)}, **auth)
    assert result["data"]["staffDelete"]["errors"] == [
        {"field": "id", "code": "DELETE_SUPERUSER_ACCOUNT"}
    ]
    result = gql(DELETE, {"id": gid("User", shopper.pk)}, **auth)
    assert result["data"]["staffDelete"]["errors"] == [
        {"field": "id", "code": "DELETE_NON_STAFF_USER"}
    ]
    assert User.objects.count() == 3


def test_cannot_manage_staff_with_more_permissions(gql: Any) -> None:
    _, auth = signed_in_manager(gql)
    boss = make_user(
        "boss@example.com", is_staff=True, permissions=(Permission.MANAGE_APPS,)
    )
    result = gql(DELETE, {"id": gid("User", boss.pk)}, **auth)
    assert result["data"]["staffDelete"]["errors"] == [
        {"field": "id", "code": "OUT_OF_SCOPE_USER"}
    ]


def test_delete_staff_member(gql: Any) -> None:
    _, auth = signed_in_manager(gql)
    member = make_user("member@example.com", is_staff=True)
    result = gql(DELETE, {"id": gid("User", member.pk)}, **auth)
    assert result["data"]["staffDelete"] == {
        "user": {"id": gid("User", member.pk), "email": "member@example.com"},
        "errors": [],
    }
    assert not User.objects.filter(pk=member.pk).exists()


STAFF_USERS = """
query($filter: StaffUserInput, $sortBy: UserSortingInput, $first: Int) {
  staffUsers(filter: $filter, sortBy: $sortBy, first: $first) {
    totalCount
    edges { cursor node {
      email isActive
      permissionGroups { name }
      userPermissions { code }
      addresses { city }
      restrictedAccessToChannels
      accessibleChannels { slug }
      editableGroups { name }
    } }
  }
}
"""


def test_staff_users_filter_and_sort(staff_gql: Any) -> None:
    make_user("b@example.com", is_staff=True, first_name="Zed")
    make_user("a@example.com", is_staff=True, first_name="Amy", is_active=False)
    make_user("customer@example.com")
    result = staff_gql(
        STAFF_USERS,
        {"first": 10, "sortBy": {"field": "FIRST_NAME", "direction": "DESC"}},
        permissions=STAFF,
    )
    data = result.data["staffUsers"]
    assert data["totalCount"] == 2
    assert [e["node"]["email"] for e in data["edges"]] == [
        "b@example.com",
        "a@example.com",
    ]
    inactive = staff_gql(
        STAFF_USERS,
        {"first": 10, "filter": {"status": "DEACTIVATED"}},
        permissions=STAFF,
    )
    edges = inactive.data["staffUsers"]["edges"]
    assert [e["node"]["email"] for e in edges] == ["a@example.com"]
    searched = staff_gql(
        STAFF_USERS, {"first": 10, "filter": {"search": "zed"}}, permissions=STAFF
    )
    assert searched.data["staffUsers"]["totalCount"] == 1


def test_staff_users_need_manage_staff(staff_gql: Any) -> None:
    result = staff_gql(
        STAFF_USERS, {"first": 1}, permissions=(Permission.MANAGE_USERS,)
    )
    assert result.data["staffUsers"] is None


def test_staff_users_cost_the_same_for_any_page(
    staff_gql: Any, count_queries: Any
) -> None:
    for index in range(8):
        make_user(
            f"s{index}@example.com",
            is_staff=True,
            permissions=(Permission.MANAGE_STAFF,),
        )

    def run(first: int) -> int:
        with count_queries() as queries:
            result = staff_gql(STAFF_USERS, {"first": first}, permissions=STAFF)
        assert result.errors is None, result.errors
        assert len(result.data["staffUsers"]["edges"]) == first
        return len(queries)

    run(1)
    assert run(2) == run(8)


def test_cannot_remove_the_last_manager(staff_gql: Any) -> None:
    last = make_user(
        "last@example.com", is_staff=True, permissions=(Permission.MANAGE_STAFF,)
    )
    deactivate = staff_gql(
        UPDATE,
        {"id": gid("User", last.pk), "input": {"isActive": False}},
        permissions=STAFF,
    )
    errors = deactivate.data["staffUpdate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("isActive", "LEFT_NOT_MANAGEABLE_PERMISSION")
    ]
    deleted = staff_gql(DELETE, {"id": gid("User", last.pk)}, permissions=STAFF)
    errors = deleted.data["staffDelete"]["errors"]
    assert errors == [{"field": "id", "code": "LEFT_NOT_MANAGEABLE_PERMISSION"}]
    last.refresh_from_db()
    assert last.is_active
    make_user("root@example.com", is_staff=True, is_superuser=True)
    deleted = staff_gql(DELETE, {"id": gid("User", last.pk)}, permissions=STAFF)
    assert deleted.data["staffDelete"]["errors"] == []


def test_editable_groups(staff_gql: Any) -> None:
    make_user(
        "member@example.com", is_staff=True, permissions=(Permission.MANAGE_STAFF,)
    )
    PermissionGroup.objects.create(name="Staff", permissions=["MANAGE_STAFF"])
    PermissionGroup.objects.create(name="Apps", permissions=["MANAGE_APPS"])
    result = staff_gql(STAFF_USERS, {"first": 5}, permissions=STAFF)
    node = result.data["staffUsers"]["edges"][0]["node"]
    assert node["editableGroups"] == [
        {"name": "Staff"},
        {"name": "group of member@example.com"},
    ]


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        (STAFF_USERS, {"first": 101}, "exceeds the `first` limit of 100"),
        (STAFF_USERS, {"first": 0}, "must be a positive integer"),
        (STAFF_USERS, {}, "You must provide a `first` or `last`"),
        (
            '{ staffUsers(first: 2, after: "garbage") { totalCount } }',
            {},
            "Received cursor (garbage) is invalid.",
        ),
        (
            "query($id: ID!) { permissionGroup(id: $id) { name } }",
            {"id": "garbage"},
            "Invalid ID: garbage",
        ),
        (
            DELETE,
            {"id": to_global_id("Product", 1)},
            "Expected: User, received: Product.",
        ),
        (
            UPDATE,
            {"id": to_global_id("User", 1), "input": {"addGroups": ["???"]}},
            "Invalid ID: ???",
        ),
    ],
)
def test_bad_input_is_a_clear_error(
    staff_gql: Any, query: str, variables: dict[str, Any], expected: str
) -> None:
    result = staff_gql(query, variables, permissions=STAFF)
    assert result.errors and expected in result.errors[0].message
    assert result.errors[0].original_error is None or not isinstance(
        result.errors[0].original_error, (TypeError, KeyError, ValueError)
    )


def test_pages_sorted_by_a_date(staff_gql: Any) -> None:
    for index in range(3):
        make_user(f"s{index}@example.com", is_staff=True)
    sort = {"field": "CREATED_AT", "direction": "DESC"}
    first = staff_gql(STAFF_USERS, {"first": 2, "sortBy": sort}, permissions=STAFF)
    data = first.data["staffUsers"]
    assert [e["node"]["email"] for e in data["edges"]] == [
        "s2@example.com",
        "s1@example.com",
    ]
    query = STAFF_USERS.replace("$first: Int)", "$first: Int, $after: String)").replace(
        "first: $first)", "first: $first, after: $after)"
    )
    rest = staff_gql(
        query,
        {"first": 2, "sortBy": sort, "after": data["edges"][-1]["cursor"]},
        permissions=STAFF,
    )
    assert rest.errors is None, rest.errors
    assert [e["node"]["email"] for e in rest.data["staffUsers"]["edges"]] == [
        "s0@example.com"
    ]


def test_staff_invitation_email_leads_to_set_password(staff_gql: Any, gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {
            "input": {
                "email": "new@example.com",
                "redirectUrl": "https://dashboard.example.com/set?x=1",
            }
        },
        permissions=STAFF,
    )
    assert result.data["staffCreate"]["errors"] == []
    [email] = deferred_emails()
    assert (email["to"], email["template"]) == ("new@example.com", "password_reset")
    params = link_params(email["context"]["link"])
    assert params["email"] == "new@example.com" and params["x"] == "1"
    chosen = gql(
        SET_PASSWORD,
        {
            "email": "new@example.com",
            "token": params["token"],
            "password": "Tiger-lily-88",
        },
    )
    assert chosen["data"]["setPassword"]["errors"] == []
    assert sign_in(gql, "new@example.com", "Tiger-lily-88")["token"]


def test_staff_invitation_needs_a_valid_url(staff_gql: Any) -> None:
    result = staff_gql(
        CREATE,
        {"input": {"email": "new@example.com", "redirectUrl": "javascript:alert(1)"}},
        permissions=STAFF,
    )
    assert result.data["staffCreate"]["errors"] == [
        {"field": "redirectUrl", "code": "INVALID", "groups": None}
    ]
    assert deferred_emails() == [] and not User.objects.filter(is_staff=True).exists()
