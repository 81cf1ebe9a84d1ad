"""Data revisions in the shared cache: what a read computed is kept under the revision of the data
it read, and a write replaces the revision, so every cached answer built from the old data turns
into a miss at once, in every process.

A revision is a random token under one cache key. ``bump()`` replaces it now and again when the
transaction commits, so a read that ran between the two (and saw the old rows) cannot store its
answer under the new token. Model writes that send signals bump through ``connect(models)``;
writes that bypass them (``QuerySet.update``, bulk SQL) call ``bump()`` themselves.

Used by the rack layout and thermal reads (``warehouse.racks.selectors``) and the fast API lists
(``config.api.listing``: parts, stock levels).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


class Revision:
    """One named revision: ``Revision("stock")`` lives under the cache key ``revision:stock``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.key = f"revision:{name}"

    def bump(self) -> None:
        """Forget every answer cached under this revision (now, and once more on commit)."""
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
        transaction.on_commit(lambda: cache.set(self.key, uuid.uuid4().hex, timeout=None))

    def _on_change(self, sender: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return  # loaddata: nothing was cached from rows that did not exist
        self.bump()

    def connect(self, *models: type) -> None:
        """Bump whenever one of ``models`` is saved or deleted (connect once, in ``ready()``)."""
        for model in models:
            uid = f"partline-revision-{self.name}-{model._meta.label_lower}"
            post_save.connect(self._on_change, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(self._on_change, sender=model, dispatch_uid=uid + "-delete")


def cached_under(
    revisions: Sequence[Revision], key: str, build: Callable[[], Any], *, timeout: int
) -> Any:
    """``build()``'s answer, kept under ``key`` until one of ``revisions`` changes.

    One cache round trip on a hit (the revisions and the entry are read together). ``build`` may
    raise (a missing object: 404); nothing is stored then. With the cache down, or ``timeout``
    0, it always builds.
    """
    keys = [revision.key for revision in revisions]
    found = cache.get_many([*keys, key])
    current = tuple(found.get(name) for name in keys)
    entry = found.get(key)
    if entry is not None and None not in current and entry[0] == current:
        return entry[1]
    value = build()
    if None in current:
        # First use since the cache was emptied: start the revisions; cache on the next read.
        for revision, token in zip(revisions, current, strict=True):
            if token is None:
                cache.add(revision.key, uuid.uuid4().hex, timeout=None)
        return value
    if timeout > 0:
        cache.set(key, (current, value), timeout=timeout)
    return value
