"""`manage.py refresh_data {vendors,orders,grades} [--source NAME | --file PATH] [--full]`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.geo.models import DataSource, RefreshRun
from analytics.geo.refresh import refresh_data
from analytics.geo.services import source_for_refresh


class Command(BaseCommand):
    help = "Refresh vendors, orders or grades from a configured source or a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in DataSource.Kind])
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--source", help="Name of a configured data source.")
        group.add_argument("--file", help="Path of a CSV file to load instead.")
        parser.add_argument(
            "--full", action="store_true", help="Orders: load every row, not only the recent ones."
        )

    def handle(self, *args, **options) -> None:
        kind = options["kind"]
        source = None
        if not options["file"]:
            source = source_for_refresh(kind=kind, name=options["source"])
        run = refresh_data(kind=kind, source=source, path=options["file"], full=options["full"])
        summary = (
            f"{kind}: {run.rows_read} read, {run.rows_inserted} inserted, "
            f"{run.rows_updated} updated, {run.rows_rejected} rejected ({run.status})"
        )
        for reject in run.rejects[:20]:
            self.stderr.write(f"row {reject['row']}: {reject['reason']}")
        if run.summary.get("cities_created"):
            self.stdout.write("Cities created: " + ", ".join(run.summary["cities_created"]))
        if run.status == RefreshRun.Status.FAILED:
            raise CommandError(f"{summary}: {run.error}")
        self.stdout.write(summary)
