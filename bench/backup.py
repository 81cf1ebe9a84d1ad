"""Benchmark: how long `backup` and `restore` take for the demo database and a bigger one.

Run (SQLite: a throw-away file in a temporary directory):
    .venv/bin/python bench/backup.py                  # the demo data
    .venv/bin/python bench/backup.py --size-mb 1024   # the demo plus filler up to about 1 GB
PostgreSQL (a throw-away database named <name>_bench_backup next to the one in the URL; it is
created, filled and dropped again; pg_dump/pg_restore of the server's major version needed):
    .venv/bin/python bench/backup.py --postgres postgres://postgres@127.0.0.1:5432/partline

The filler is real rows of a real table (the admin's audit log, 1 KB of random hex each, which
compresses about as well as real text), so the backup counts and checks them like any other.
The database is emptied (not timed) before the restore, which is timed end to end: checksums,
the restore itself, row counts, the ledger check.
Printed: database size, backup time and archive size, restore time. The restore time is the
RTO floor; the time between two backups is the RPO (nightly: up to 24 h of work).
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.throwaway import postgres_throwaway_database


def _database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
        return cursor.fetchone()[0]


def _fill(size_mb: int) -> int:
    """Add audit-log rows of about 1 KB until the database is about size_mb large."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    user = get_user_model().objects.filter(is_superuser=True).first()
    content_type = ContentType.objects.get_for_model(get_user_model())
    added = 0
    while _database_bytes() < size_mb * 1024 * 1024:
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user=user,
                    content_type=content_type,
                    object_id=str(user.pk),
                    object_repr=f"filler {added + i}",
                    action_flag=CHANGE,
                    change_message=secrets.token_hex(500),
                )
                for i in range(20_000)
            ],
            batch_size=2_000,
        )
        added += 20_000
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=0, help="Grow the database to this size.")
    parser.add_argument("--postgres", default="", help="A PostgreSQL URL (default: SQLite).")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="partline-bench-backup-"))
    drop = None
    if args.postgres:
        url, drop = postgres_throwaway_database(args.postgres, "bench_backup")
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="1",
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from config.backup import backup_create, backup_restore

    try:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=io.StringIO())
        filler = _fill(args.size_mb) if args.size_mb else 0
        size = _database_bytes()

        started = time.perf_counter()
        result = backup_create(output_dir=work / "backups")
        backup_seconds = time.perf_counter() - started

        call_command("flush", interactive=False, verbosity=0)
        connection.close()
        started = time.perf_counter()
        restored = backup_restore(archive_path=result.path)
        restore_seconds = time.perf_counter() - started

        archive_mb = result.path.stat().st_size / 1e6
        print(f"database  {connection.vendor}, {size / 1e6:,.1f} MB, {restored.rows:,} rows")
        if filler:
            print(f"          of which {filler:,} filler rows")
        print(f"backup    {backup_seconds:7.2f} s, archive {archive_mb:,.2f} MB")
        print(f"restore   {restore_seconds:7.2f} s (checksums, restore, row counts, ledger check)")
    finally:
        connection.close()
        if drop:
            drop()
        for path in sorted(work.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
