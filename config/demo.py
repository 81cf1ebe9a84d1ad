"""Demo users: a superuser and one user per role, all with printed logins."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from config.roles import ROLE_NAMES

DEMO_PASSWORD = "partline-demo"
DEMO_SUPERUSER = "admin"


@transaction.atomic
def demo_users_ensure() -> list[tuple[str, str]]:
    """Create (or reset) the demo accounts; return (username, role) pairs."""
    User = get_user_model()
    accounts = [(DEMO_SUPERUSER, "superuser")] + [(role, role) for role in ROLE_NAMES]
    for username, role in accounts:
        user, _ = User.objects.get_or_create(username=username)
        user.is_superuser = role == "superuser"
        # Every demo role may open the admin; what it shows there follows the role's permissions.
        user.is_staff = True
        user.email = f"{username}@partline.local"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role != "superuser":
            user.groups.set([Group.objects.get(name=role)])
    return accounts
