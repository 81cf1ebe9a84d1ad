"""Settings for the Celery worker that test_worker_killed.py starts and kills.

The test settings, with real (not eager) tasks and a short visibility timeout so that the broker
hands an unacknowledged task to another worker within seconds instead of the default hour.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,  # production keeps kombu's hour: longer than any task runs
    "unacked_restore_interval": 1,  # sweep for abandoned tasks every second...
    "unacked_restore_throttle": 1,  # ...really every second
}
