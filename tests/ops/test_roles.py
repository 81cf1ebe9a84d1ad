import pytest
from django.contrib.auth.models import Group

from tests.factories import PartFactory


@pytest.mark.django_db
def test_the_four_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "viewer",
        "storekeeper",
        "planner",
        "manager",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (None, False, False),
        ("viewer", True, False),
        ("storekeeper", True, False),
        ("planner", True, True),
        ("manager", True, True),
        ("superuser", True, True),
    ],
)
def test_part_access_by_role(client_for, role, read, write):
    part = PartFactory()
    client = client_for(role)
    assert (client.get("/api/parts/").status_code == 200) is read
    response = client.patch(f"/api/parts/{part.pk}/", {"name": "Renamed"}, format="json")
    assert (response.status_code == 200) is write
    assert response.status_code in (200, 401, 403)


@pytest.mark.django_db
def test_only_storekeepers_and_managers_may_post_documents(user_in_role):
    can_post = {
        role: user_in_role(role).has_perm("warehouse.post_stockdocument")
        for role in ("viewer", "storekeeper", "planner", "manager")
    }
    assert can_post == {"viewer": False, "storekeeper": True, "planner": False, "manager": True}


@pytest.mark.django_db
def test_managers_cannot_manage_users(user_in_role):
    manager = user_in_role("manager")
    assert not manager.has_perm("auth.add_user")
    assert not manager.has_perm("auth.change_group")
