"""Back up the database and the media into one archive; print its path as the last line."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from config.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write partline-backup-<timestamp>.tar.gz (database, media, manifest with checksums, "
        "row counts and migration state) and delete archives older than --keep-days."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Directory for the archive (default: VAR_DIR/backups).",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="Delete archives in the directory older than this many days.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.VAR_DIR) / "backups"
        if options["keep_days"] is not None and options["keep_days"] < 1:
            raise CommandError("--keep-days must be at least 1.")
        try:
            result = backup_create(output_dir=output, keep_days=options["keep_days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        counts = result.manifest["row_counts"]
        self.stdout.write(
            f"Backed up {len(counts)} tables ({sum(counts.values())} rows) and "
            f"{len(result.manifest['checksums']) - 1} media files."
        )
        for path in result.removed:
            self.stdout.write(f"Removed {path.name} (older than {options['keep_days']} days).")
        self.stdout.write(str(result.path))
