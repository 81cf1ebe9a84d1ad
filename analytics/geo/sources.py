"""Opening a data source as a byte stream: a local CSV file, a CSV over HTTP, a Metabase card.

Metabase: ``POST {url}/api/card/{card_id}/query/csv`` with the ``x-api-key`` header, the key read
from the environment variable the source names (``secret_env``) — never stored in the database.
The body is streamed (``requests`` with ``stream=True``), so memory stays flat whatever its size;
a connection error, an HTTP error or a read timeout raises ``SourceUnavailable``.
"""

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import requests

from analytics.geo.errors import SourceNotFound, SourceUnavailable
from analytics.geo.models import DataSource

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 60


def describe(*, source: DataSource | None, path: str | None) -> str:
    if path:
        return str(path)
    if source.source_type == DataSource.SourceType.METABASE:
        return f"{source.url.rstrip('/')}/api/card/{source.card_id}/query/csv"
    return source.url


@contextmanager
def open_source(
    *, source: DataSource | None = None, path: str | None = None
) -> Iterator[IO[bytes]]:
    """Yield the source's bytes as a readable stream; closes it afterwards."""
    location = path or (source.url if source.source_type == DataSource.SourceType.CSV else None)
    if location and not location.startswith(("http://", "https://")):
        file = Path(location)
        if not file.is_file():
            raise SourceNotFound(f"No such file: {location}")
        with file.open("rb") as stream:
            yield stream
        return
    yield from _http_stream(source=source, url=location)


def _http_stream(*, source: DataSource | None, url: str | None) -> Iterator[IO[bytes]]:
    headers = {}
    method = "GET"
    if url is None:  # Metabase
        method, url = "POST", describe(source=source, path=None)
        key = os.environ.get(source.secret_env or "", "")
        if not key:
            raise SourceUnavailable(
                f"Source {source.name}: the environment variable {source.secret_env or '(none)'} "
                "holding its Metabase API key is not set."
            )
        headers["x-api-key"] = key
    try:
        response = requests.request(
            method, url, headers=headers, stream=True, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise SourceUnavailable(f"{url} did not answer with data: {error}")
    try:
        response.raw.decode_content = True
        yield io.BufferedReader(_GuardedStream(response.raw, url))
    finally:
        response.close()


class _GuardedStream(io.RawIOBase):
    """A response body whose read errors (a broken connection, a timeout) are SourceUnavailable."""

    def __init__(self, raw: IO[bytes], url: str) -> None:
        super().__init__()
        self.raw, self.url = raw, url

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:
        try:
            data = self.raw.read(len(buffer))
        except Exception as error:  # urllib3 raises several types; all mean "broken off"
            raise SourceUnavailable(f"{self.url} broke off mid-stream: {error}")
        buffer[: len(data)] = data
        return len(data)
