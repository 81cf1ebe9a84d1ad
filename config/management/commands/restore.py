"""Restore an archive made by `backup` into an empty database (or over one, with --replace)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from config.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a partline-backup archive: checks its checksums and migration state, refuses "
        "a database holding data unless --replace, verifies row counts and the stock ledger."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `backup`.")
        parser.add_argument(
            "--yes-i-am-sure",
            action="store_true",
            dest="sure",
            help="Required: the restore writes over the database and MEDIA_ROOT.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that holds data (default: refuse).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["sure"]:
            raise CommandError(
                "Restoring writes over the database and the media: add --yes-i-am-sure."
            )
        try:
            result = backup_restore(archive_path=options["archive"], replace=options["replace"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        manifest = result.manifest
        self.stdout.write(
            f"Restored {result.tables} tables ({result.rows} rows, counts verified) from a "
            f"backup of {manifest['created_at']} (version {manifest['app_version']})"
            f"{'; pending migrations applied' if result.migrated else ''}; stock ledger verified."
        )
