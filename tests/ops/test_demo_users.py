import pytest
from django.contrib.auth import get_user_model

from config.demo import DEMO_PASSWORD, demo_users_ensure


@pytest.mark.django_db
def test_demo_users_are_created_once_with_their_roles_and_the_printed_password():
    demo_users_ensure()
    demo_users_ensure()
    User = get_user_model()
    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    for role in ("viewer", "storekeeper", "planner", "manager"):
        user = User.objects.get(username=role)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff and not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_a_demo_viewer_in_the_admin_may_look_but_not_change(client):
    demo_users_ensure()
    login = client.post("/accounts/login/", {"username": "viewer", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    assert client.get("/admin/inventory/part/").status_code == 200
    assert client.get("/admin/inventory/part/add/").status_code == 403
