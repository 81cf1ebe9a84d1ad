"""`manage.py api_token create|revoke USERNAME`: tokens a person can hand out and take back."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_create_prints_a_key_that_authenticates_the_user(user_in_role):
    user = user_in_role("viewer")
    key = run("create", user.username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/parts/").status_code == 200
    assert Token.objects.get(user=user).key == key


def test_create_twice_prints_the_same_key(user_in_role):
    user = user_in_role("viewer")
    assert run("create", user.username) == run("create", user.username)


def test_create_with_rotate_replaces_the_key(user_in_role):
    user = user_in_role("viewer")
    first = run("create", user.username)
    second = run("create", user.username, "--rotate")
    assert first != second
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second]


def test_revoke_makes_the_key_stop_working(user_in_role):
    user = user_in_role("viewer")
    key = run("create", user.username)
    run("revoke", user.username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/parts/").status_code == 401
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.parametrize("action", ["create", "revoke"])
def test_unknown_user_is_a_command_error_naming_the_user(action):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run(action, "nobody")


def test_revoking_when_there_is_no_token_says_so(user_in_role):
    user = user_in_role("viewer")
    with pytest.raises(CommandError, match="has no API token"):
        run("revoke", user.username)


def test_an_inactive_user_gets_no_token(user_in_role):
    user = user_in_role("viewer", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("create", user.username)
    assert not Token.objects.filter(user=user).exists()
