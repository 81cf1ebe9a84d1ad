"""What the management commands share: turning shell options into objects or a one-line refusal,
and the shape of the all-or-nothing CSV imports (read the file, report every problem, refuse)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


def read_import_file(path: Path) -> bytes:
    """The bytes of the file an import command was given (decoded, and refused if not UTF-8, by
    the one CSV reader), or a one-line CommandError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None


@contextmanager
def import_refusals(command: Any, path: Path, error: type[Exception]) -> Iterator[None]:
    """An import refused with ``error`` (its ``messages``, one per problem): every problem on
    stderr, one a line, then one CommandError naming the file and the count."""
    try:
        yield
    except error as exc:
        messages = getattr(exc, "messages", [str(exc)])
        for message in messages:
            command.stderr.write(f"  {message}")
        raise CommandError(
            f"{path.name}: {len(messages)} problem(s); nothing was imported."
        ) from None
