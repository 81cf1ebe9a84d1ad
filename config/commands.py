"""What the management commands share: turning shell options into objects or a one-line refusal."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_option(username: str | None) -> Any:
    """The user named by ``--user`` (None when not given), or a CommandError naming it."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username}.")
    return user
