"""Backups that restore: one compressed archive holding the database, the media and a manifest.

An archive, ``partline-backup-<UTC timestamp>.tar.gz``, holds:

- ``manifest.json`` (first member): format, creation time, application version, the database
  vendor, the applied migrations (the migration state), the row count of every table, and the
  SHA-256 of every other member;
- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite, copied with
  its online backup API, so writers may keep writing);
- ``media/...``: the uploaded files under MEDIA_ROOT.

On PostgreSQL, pg_dump runs in a snapshot exported by a REPEATABLE READ transaction that also
counts the rows and reads the migrations: the manifest describes exactly the dumped data.
The archive is written under a temporary name in the output directory and renamed when
complete: a failed or killed backup never leaves a file that looks like a finished archive.

Restoring refuses a database that holds data (unless ``replace``), an archive whose checksums
do not match (corrupted or truncated), one from another database vendor, and one made at a
migration state this code does not know (a newer release); it then restores, checks every
table's row count against the manifest, applies this code's pending migrations (an older
archive) and checks the stock ledger (``verify_stock``).
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from config.errors import ConflictError, DomainError

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "partline-backup-"
SUFFIX = ".tar.gz"
PARTIAL = ".partial"
_NAME = re.compile(rf"^{PREFIX}(\d{{8}}T\d{{6}}Z)(-\d+)?{re.escape(SUFFIX)}$")
# Tables that `migrate` fills by itself: rows there do not make a database "not empty".
MIGRATE_FILLED = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
    }
)
_CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup or restore could not be done; the message says what and why."""

    reason = "backup"


class RestoreRefused(ConflictError):
    """The restore would lose data or cannot be trusted; nothing was changed."""

    reason = "restore_refused"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    removed: list[Path]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    migrated: bool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(connection: Any, table: str) -> str:
    return connection.ops.quote_name(table)


def _table_counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations_from(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


# --- database dumps -----------------------------------------------------------------------------


def _sqlite_dump(connection: Any, target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        # Count on the copy: what the archive holds, whatever was written since.
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = _table_counts(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
        migrations = _migrations_from(cursor)
    return {"row_counts": counts, "migrations": migrations}


def _postgres_command(connection: Any, program: str) -> tuple[list[str], dict[str, str]]:
    """The client program with the connection's host, port, user, password and SSL settings."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} not found: install the PostgreSQL client of the server's major version."
        )
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    database = args.pop()  # psql's arguments end with the database name
    return [executable, *args[1:], "--dbname", database], {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else f'exit {result.returncode}'}")


def _postgres_dump(connection: Any, target: Path) -> dict[str, Any]:
    import psycopg

    command, env = _postgres_command(connection, "pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [*command, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)],
                env,
                "pg_dump",
            )
            # The tables as Django sees them: a partitioned table counts the rows of all its
            # partitions, which are not listed on their own.
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "AND NOT c.relispartition"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = _table_counts(cursor, tables, lambda name: _quote(connection, name))
            migrations = _migrations_from(cursor)
        raw.rollback()
    finally:
        raw.close()
    return {"row_counts": counts, "migrations": migrations}


# --- backup -------------------------------------------------------------------------------------


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, "media/" + path.relative_to(media_root).as_posix()


def _archive_name(output_dir: Path, now: datetime) -> Path:
    stem = f"{PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    candidate, counter = output_dir / f"{stem}{SUFFIX}", 1
    while candidate.exists():
        candidate, counter = output_dir / f"{stem}-{counter}{SUFFIX}", counter + 1
    return candidate


def backup_prune(*, output_dir: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete archives older than keep_days, and partial files a killed run left a day ago."""
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for path in sorted(output_dir.iterdir()):
        match = _NAME.match(path.name)
        if match:
            made = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            stale = made < cutoff
        elif path.name.startswith(PREFIX) and path.name.endswith(PARTIAL):
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            stale = modified < now - timedelta(days=1)
        else:
            continue
        if stale:
            path.unlink()
            removed.append(path)
    return removed


def backup_create(
    *,
    output_dir: Path,
    keep_days: int | None = None,
    now: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> BackupResult:
    """Write one archive of the database and the media into output_dir; prune old ones."""
    now = now or datetime.now(UTC)
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot create the backup directory {output_dir}: {exc.strerror}.")
    connection = connections[using]
    final = _archive_name(output_dir, now)
    partial = final.with_name(final.name + PARTIAL)
    try:
        with tempfile.TemporaryDirectory(prefix=".partline-backup-", dir=output_dir) as work:
            work_dir = Path(work)
            if connection.vendor == "postgresql":
                database_member = "database.dump"
                state = _postgres_dump(connection, work_dir / database_member)
            elif connection.vendor == "sqlite":
                database_member = "database.sqlite3"
                state = _sqlite_dump(connection, work_dir / database_member)
            else:
                raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
            media = list(_media_files(Path(settings.MEDIA_ROOT)))
            checksums = {database_member: _sha256(work_dir / database_member)}
            checksums.update({member: _sha256(path) for path, member in media})
            manifest = {
                "format": FORMAT,
                "created_at": now.astimezone(UTC).isoformat(),
                "app_version": getattr(settings, "VERSION", ""),
                "database": {"vendor": connection.vendor, "member": database_member},
                "migrations": state["migrations"],
                "row_counts": state["row_counts"],
                "checksums": checksums,
            }
            encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(encoded), int(now.timestamp())
                archive.addfile(info, io.BytesIO(encoded))
                archive.add(work_dir / database_member, arcname=database_member)
                for path, member in media:
                    archive.add(path, arcname=member)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, final)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except (OSError, tarfile.TarError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Backup failed: {exc}.") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    removed = []
    if keep_days is not None:
        removed = backup_prune(output_dir=output_dir, keep_days=keep_days, now=now)
    return BackupResult(path=final, manifest=manifest, removed=removed)


# --- restore ------------------------------------------------------------------------------------


def archive_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.next()  # the first member: no need to read the whole archive
        if member is None or member.name != MANIFEST:
            raise ValueError(f"the first member is not {MANIFEST}")
        manifest = json.load(archive.extractfile(member))
    except (ValueError, tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise RestoreRefused(f"Not a Partline backup archive (no readable manifest): {exc}.")
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"Unknown archive format {manifest.get('format')!r}.")
    return manifest


@contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except FileNotFoundError:
        raise RestoreRefused(f"No archive at {path}.")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise RestoreRefused(f"{path} is not a readable archive: {exc}.")
    with archive:
        yield archive


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest["migrations"].items())
        for name in names
        if (app, name) not in known
    ]


def database_rows(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Row count of every table of the database (its introspected tables)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _table_counts(cursor, tables, lambda name: _quote(connection, name))


def _extract_verified(archive: tarfile.TarFile, manifest: dict[str, Any], into: Path) -> None:
    """Extract every member the manifest lists and check its checksum."""
    expected = manifest["checksums"]
    seen = set()
    try:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise RestoreRefused(f"The archive holds {member.name}, which its manifest lacks.")
            archive.extract(member, into, filter="data")
            if _sha256(into / member.name) != expected[member.name]:
                raise RestoreRefused(
                    f"The archive is corrupted: {member.name} does not match its checksum."
                )
            seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise RestoreRefused(f"The archive is corrupted or truncated: {exc}.")
    missing = sorted(set(expected) - seen)
    if missing:
        raise RestoreRefused(f"The archive is incomplete: {', '.join(missing[:5])} missing.")


def _restore_sqlite(connection: Any, source: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(source)) as backup:
        backup.backup(connection.connection)


def _partitioned_tables(connection: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'p'"
        )
        return [row[0] for row in cursor.fetchall()]


def _restore_postgres(connection: Any, source: Path) -> None:
    """Replace the database's tables with the archive's, in one transaction.

    pg_restore writes the restore as SQL (dropping what exists first: ``--clean``), and psql
    runs it in one transaction. The partitioned tables there are dropped first, with their
    partitions: ``--clean`` would drop a partition's inherited constraints one by one, which
    PostgreSQL refuses."""
    restore, env = _postgres_command(connection, "pg_restore")
    psql, _ = _postgres_command(connection, "psql")
    drops = [
        f"DROP TABLE IF EXISTS {_quote(connection, table)} CASCADE"
        for table in _partitioned_tables(connection)
    ]
    connection.close()
    script = source.with_name("restore.sql")
    _run(
        [restore[0], "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        + ["--file", str(script), str(source)],
        env,
        "pg_restore",
    )
    _run(
        [*psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1"]
        + [argument for drop in drops for argument in ("--command", drop)]
        + ["--file", str(script)],
        env,
        "psql (restore)",
    )


def _restore_media(work_dir: Path, replace: bool) -> None:
    source = work_dir / "media"
    target = Path(settings.MEDIA_ROOT)
    if replace and target.is_dir():
        for child in target.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def backup_restore(
    *, archive_path: Path, replace: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Restore an archive made by backup_create into the database and MEDIA_ROOT."""
    connection = connections[using]
    archive_path = Path(archive_path)
    with _opened(archive_path) as archive:
        manifest = archive_manifest(archive)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise RestoreRefused(
                f"The archive holds a {vendor} database; this deployment uses {connection.vendor}."
            )
        unknown = _unknown_migrations(manifest)
        if unknown:
            raise RestoreRefused(
                f"The archive was made by a newer release (version {manifest['app_version']}): "
                f"this code does not know the migrations {', '.join(unknown[:5])}. "
                "Deploy that release first."
            )
        if not replace:
            filled = sorted(
                t for t, n in database_rows(using=using).items() if n and t not in MIGRATE_FILLED
            )
            if filled:
                raise RestoreRefused(
                    f"The database is not empty ({', '.join(filled[:3])}"
                    f"{' and more' if len(filled) > 3 else ''} hold rows): "
                    "restore into an empty database, or pass --replace to overwrite it."
                )
        work_parent = archive_path.parent if os.access(archive_path.parent, os.W_OK) else None
        with tempfile.TemporaryDirectory(prefix=".partline-restore-", dir=work_parent) as work:
            work_dir = Path(work)
            _extract_verified(archive, manifest, work_dir)
            database_file = work_dir / manifest["database"]["member"]
            if vendor == "sqlite":
                _restore_sqlite(connection, database_file)
            else:
                _restore_postgres(connection, database_file)
            _restore_media(work_dir, replace)
    restored = database_rows(using=using)
    wrong = [
        f"{table}: {restored.get(table)} rows, archive {count}"
        for table, count in manifest["row_counts"].items()
        if restored.get(table) != count
    ]
    if wrong:
        raise BackupError(
            f"Restored, but row counts differ from the manifest: {'; '.join(wrong[:5])}."
        )
    migrated = bool(_pending_migrations(using))
    if migrated:
        call_command("migrate", database=using, interactive=False, verbosity=0)
    try:
        call_command("verify_stock", stdout=io.StringIO())
    except CommandError as exc:
        raise BackupError(f"Restored, but the stock ledger does not verify: {exc}") from exc
    return RestoreResult(
        manifest=manifest,
        tables=len(manifest["row_counts"]),
        rows=sum(manifest["row_counts"].values()),
        migrated=migrated,
    )


def _pending_migrations(using: str) -> list[Any]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())
