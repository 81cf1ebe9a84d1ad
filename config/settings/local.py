"""Local development: the embedded default (SQLite, local-memory cache, eager Celery)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
DEMO_DATA_ALLOWED = DEBUG
