"""Create or revoke a user's API token: `api_token create USERNAME` prints the key."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Manage API tokens. `create USERNAME` prints a new key (replacing any old one with "
        "--rotate); `revoke USERNAME` deletes the user's key."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=("create", "revoke"), help="What to do.")
        parser.add_argument("username", help="The user the token belongs to.")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="With create: replace an existing key instead of printing it again.",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}: create the user first.")
        if options["action"] == "create":
            if not user.is_active:
                raise CommandError(
                    f"User {username!r} is inactive: activate it before issuing a token."
                )
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(token.key)
            return
        deleted, _ = Token.objects.filter(user=user).delete()
        if not deleted:
            raise CommandError(f"User {username!r} has no API token to revoke.")
        self.stderr.write(f"Revoked the API token of {username!r}.")
