"""Demo users: a superuser and one user per role, all with printed logins."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from config.roles import ROLE_NAMES

DEMO_PASSWORD = "partline-demo"
DEMO_SUPERUSER = "admin"


class DemoNotAllowed(Exception):
    """Demo data was asked for where it must not go (a production database)."""


def demo_allowed_or_refuse(*, force: bool = False) -> None:
    """Refuse unless the settings allow demo data (DEBUG, local and test) or force is given.

    The demo makes `admin` a superuser with the public demo password: on a real site that is a
    way in for anyone who has read the README.
    """
    if force or getattr(settings, "DEMO_DATA_ALLOWED", settings.DEBUG):
        return
    raise DemoNotAllowed(
        "Refusing to load demo data: DEBUG is off, and the demo resets the 'admin' superuser "
        "to the public demo password; pass --force if this database is really a demo."
    )


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
