"""A throw-away PostgreSQL database beside the one a URL names, for the benchmarks."""

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def postgres_throwaway_database(url: str, suffix: str) -> tuple[str, Callable[[], None]]:
    """Create <name>_<suffix> (dropped first if a crashed run left it); return its URL and a drop.

    Created and dropped through the maintenance database: the named one need not exist.
    """
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop() -> None:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), drop
