"""Load the demo data of every app (idempotent) and create the demo logins."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from config.demo import DEMO_PASSWORD, DemoNotAllowed, demo_allowed_or_refuse, demo_users_ensure

# Each app's loader is idempotent and runs in its own transaction; order matters
# (warehouse stock needs the inventory parts).
DEMO_LOADERS = (
    "inventory.demo.load_demo_inventory",
    "warehouse.demo.load_demo_warehouse",
    "warehouse.demo_racks.load_demo_racks",
    "analytics.demo.load_demo_analytics",
    "analytics.geo.demo.load_demo_geo",
)


class Command(BaseCommand):
    help = "Load demo parts, BOMs, stock and racks, and create demo users (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-users", action="store_true", help="Skip the demo logins.")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="Address printed for logging in."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even where DEBUG is off (the admin gets the public demo password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_allowed_or_refuse(force=options["force"])
        except DemoNotAllowed as exc:
            raise CommandError(str(exc))
        for dotted in DEMO_LOADERS:
            try:
                loader = import_string(dotted)
            except ImportError:
                continue
            try:
                summary = loader()
            except ValidationError as exc:
                raise CommandError(f"{dotted}: {'; '.join(exc.messages)}")
            if summary:
                self.stdout.write(f"  {summary}")
        if options["no_users"]:
            return
        accounts = demo_users_ensure()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Log in at {options['url']}"))
        for username, role in accounts:
            self.stdout.write(f"  {username:<12} / {DEMO_PASSWORD}   ({role})")
