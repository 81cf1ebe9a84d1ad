"""manage.py backup / restore (config/backup.py): round trips, refusals, retention, failures."""

import io
import json
import os
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.backup import (
    BackupError,
    RestoreRefused,
    backup_create,
    backup_prune,
    backup_restore,
    database_rows,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "manufacturers").mkdir(parents=True)
    (root / "manufacturers" / "logo.png").write_bytes(b"\x89PNG fake logo")
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def demo_data():
    call_command("load_demo", stdout=io.StringIO())


def database_member() -> str:
    return {"sqlite": "database.sqlite3", "postgresql": "database.dump"}[connection.vendor]


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with connection.cursor() as cursor:
        rows = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def empty_the_database(media_root: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in media_root.rglob("*"):
        if path.is_file():
            path.unlink()


def rewrite_manifest(archive: Path, change) -> Path:
    """A copy of the archive with its manifest changed (checksums of the members kept)."""
    target = archive.with_name("changed-" + archive.name)
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_backup_restores_every_table_row_for_row_and_the_media(demo_data, media_root, tmp_path):
    before = every_row()
    assert before["warehouse_stockmove"] and before["auth_user"]
    result = backup_create(output_dir=tmp_path / "backups")
    empty_the_database(media_root)
    assert every_row()["warehouse_stockmove"] == []

    restored = backup_restore(archive_path=result.path)

    assert every_row() == before
    assert (media_root / "manufacturers" / "logo.png").read_bytes() == b"\x89PNG fake logo"
    assert restored.rows == sum(len(rows) for rows in before.values())


def test_the_manifest_records_checksums_row_counts_version_and_migrations(demo_data, tmp_path):
    result = backup_create(output_dir=tmp_path)
    with tarfile.open(result.path, "r:gz") as archive:
        assert archive.getnames()[0] == "manifest.json"
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["row_counts"] == database_rows()
    assert manifest["app_version"] == "0.1.0"
    assert "0001_initial" in manifest["migrations"]["warehouse"]
    assert manifest["database"] == {"vendor": connection.vendor, "member": database_member()}
    assert set(manifest["checksums"]) == {database_member(), "media/manufacturers/logo.png"}


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(demo_data, tmp_path):
    result = backup_create(output_dir=tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    before = every_row()
    with pytest.raises(RestoreRefused, match="not empty.*--replace"):
        backup_restore(archive_path=result.path)
    assert every_row() == before


def test_restore_with_replace_overwrites_a_database_that_holds_data(demo_data, tmp_path):
    expected = every_row()
    result = backup_create(output_dir=tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    backup_restore(archive_path=result.path, replace=True)
    assert every_row() == expected


def test_a_corrupted_archive_is_refused_before_anything_is_written(demo_data, media_root, tmp_path):
    result = backup_create(output_dir=tmp_path)
    empty_the_database(media_root)
    before = every_row()
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupted = tmp_path / "corrupted.tar.gz"
    corrupted.write_bytes(bytes(data))
    with pytest.raises(RestoreRefused, match="corrupted"):
        backup_restore(archive_path=corrupted)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(RestoreRefused, match="corrupted or truncated"):
        backup_restore(archive_path=truncated)
    assert every_row() == before


def test_an_archive_whose_manifest_checksum_differs_is_refused(demo_data, media_root, tmp_path):
    result = backup_create(output_dir=tmp_path)
    member = database_member()
    changed = rewrite_manifest(result.path, lambda m: m["checksums"].update({member: "0" * 64}))
    empty_the_database(media_root)
    with pytest.raises(RestoreRefused, match=f"{member} does not match its checksum"):
        backup_restore(archive_path=changed)


def test_an_archive_from_a_newer_migration_state_is_refused(demo_data, media_root, tmp_path):
    result = backup_create(output_dir=tmp_path)
    newer = rewrite_manifest(
        result.path, lambda m: m["migrations"]["warehouse"].append("9999_from_the_future")
    )
    empty_the_database(media_root)
    with pytest.raises(RestoreRefused, match="warehouse.9999_from_the_future"):
        backup_restore(archive_path=newer)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("not a backup")
    with pytest.raises(RestoreRefused, match="not a readable archive"):
        backup_restore(archive_path=bogus)
    with pytest.raises(RestoreRefused, match="No archive at"):
        backup_restore(archive_path=tmp_path / "missing.tar.gz")


def test_the_backup_command_prints_the_archive_path_as_its_last_line(tmp_path):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert Path(last).parent == tmp_path
    assert Path(last).name.startswith("partline-backup-") and last.endswith(".tar.gz")
    assert Path(last).exists()


def test_a_failed_backup_exits_with_one_line_and_leaves_no_archive(monkeypatch, tmp_path):
    def broken_add(self, *args, **kwargs):
        self.fileobj.write(b"half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "add", broken_add)
    output = tmp_path / "backups"
    with pytest.raises(CommandError) as failure:
        call_command("backup", "--output", str(output), stdout=io.StringIO())
    assert "No space left on device" in str(failure.value)
    assert "\n" not in str(failure.value)
    assert list(output.iterdir()) == []


def test_a_backup_into_a_directory_that_cannot_be_created_fails_readably(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    with pytest.raises(BackupError, match="Cannot create the backup directory"):
        backup_create(output_dir=blocker / "backups")


def test_restore_needs_the_confirmation_flag(tmp_path):
    with pytest.raises(CommandError, match="--yes-i-am-sure"):
        call_command("restore", str(tmp_path / "any.tar.gz"))


def test_old_archives_and_stale_partial_files_are_pruned_and_others_kept(tmp_path):
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    old = tmp_path / "partline-backup-20261101T013000Z.tar.gz"
    recent = tmp_path / "partline-backup-20261120T013000Z.tar.gz"
    unrelated = tmp_path / "notes.txt"
    partial = tmp_path / "partline-backup-20261126T013000Z.tar.gz.partial"
    for path in (old, recent, unrelated, partial):
        path.write_text("x")
    two_days_ago = (now - timedelta(days=2)).timestamp()
    os.utime(partial, (two_days_ago, two_days_ago))
    removed = backup_prune(output_dir=tmp_path, keep_days=14, now=now)
    assert sorted(removed) == sorted([old, partial])
    assert recent.exists() and unrelated.exists()


def test_the_backup_command_applies_the_retention(tmp_path):
    old = tmp_path / "partline-backup-20200101T000000Z.tar.gz"
    old.write_text("x")
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), "--keep-days", "7", stdout=out)
    assert not old.exists()
    assert "Removed partline-backup-20200101T000000Z.tar.gz" in out.getvalue()


def test_two_backups_in_the_same_second_get_distinct_names(tmp_path):
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    first = backup_create(output_dir=tmp_path, now=now).path
    second = backup_create(output_dir=tmp_path, now=now).path
    assert first != second and first.exists() and second.exists()


@pytest.mark.postgres
def test_a_postgres_backup_restores_every_table_row_for_row(demo_data, media_root, tmp_path):
    before = every_row()
    result = backup_create(output_dir=tmp_path)
    with tarfile.open(result.path, "r:gz") as archive:
        assert "database.dump" in archive.getnames()
    empty_the_database(media_root)
    backup_restore(archive_path=result.path)
    assert every_row() == before
