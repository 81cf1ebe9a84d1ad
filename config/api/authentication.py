"""Token authentication that reads the token, its user and the user's permissions from the cache.

DRF's TokenAuthentication asked the database for the token and its user on every request, and
the permission check then asked twice more (the user's and the groups' permissions). Here the
token's user, with its permission sets already computed, is kept in the shared cache for
API_TOKEN_CACHE_SECONDS under a hash of the key (never the key itself), so a request costs one
cache round trip instead of three queries.

Every entry carries the current *auth generation*; any change that could alter who a token is
or what its user may do bumps the generation (at once and again after the commit), which turns
every cached entry into a miss: a token created, rotated or revoked, a user saved or deleted
(deactivated, made superuser...), a user's groups or direct permissions changed, a group's
permissions changed or a group deleted. A write that bypasses the model signals (raw SQL,
``QuerySet.update``) is seen within API_TOKEN_CACHE_SECONDS. With the cache down every request
reads the database as before.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

GENERATION_KEY = "api-auth:generation"


def _entry_key(key: str) -> str:
    return "api-auth:token:" + hashlib.sha256(key.encode()).hexdigest()


def bump_auth_generation() -> None:
    """Forget every cached token (now, and once more when the current transaction commits)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (same header, same refusals) over a short-lived cache."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        entry_key = _entry_key(key)
        found = cache.get_many([GENERATION_KEY, entry_key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(entry_key)
        if generation is not None and entry is not None and entry[0] == generation:
            return entry[1], entry[2]
        user, token = super().authenticate_credentials(key)
        user.get_all_permissions()  # fills the permission caches that travel with the user
        if generation is None:
            generation = uuid.uuid4().hex
            if not cache.add(GENERATION_KEY, generation, timeout=None):
                return user, token  # another process set it first: cache on the next request
        timeout = getattr(settings, "API_TOKEN_CACHE_SECONDS", 30)
        if timeout > 0:
            cache.set(entry_key, (generation, _without_password(user), token), timeout=timeout)
        return user, token


def _without_password(user: Any) -> Any:
    """A copy of ``user`` whose password hash is a deferred field: the hash never goes to the
    cache, reading it loads it from the database, and saving the copy leaves it alone (Django
    saves only the loaded fields of an instance with deferred ones)."""
    cached = copy.copy(user)
    cached.__dict__.pop("password", None)
    return cached


def _on_save_or_delete(sender: Any, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login changes nothing a token grants
    bump_auth_generation()


def _on_m2m_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump_auth_generation()


def connect_auth_cache_receivers() -> None:
    """Connected once, in ConfigAppConfig.ready(), so every process that writes bumps."""
    User = get_user_model()
    for model in (Token, User, Group, Permission):
        uid = f"partline-auth-cache-{model._meta.label_lower}"
        post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + "-delete")
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _on_m2m_changed, sender=through, dispatch_uid=f"partline-auth-cache-{through.__name__}"
        )
