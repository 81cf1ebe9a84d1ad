"""CSV files in and out: the one reader every import uses and the one writer every export uses.

``read_csv`` takes what a person uploaded (bytes or text) and either refuses the whole file with
one readable message (not UTF-8, binary, NUL bytes, wrong columns, no rows, unreadable as CSV)
or returns its rows, each with its line number and its cells stripped and keyed by the
normalised column name (stripped, lower case). Problems of single rows (more cells than columns,
a cell longer than the limit) are collected as "line N: ..." messages, so an import can report
them together with its own checks of the rows and write nothing.

``iter_csv`` is the same reader in streaming mode, for sources too big to hold (the order map's
refresh reads millions of rows through it): it decodes a byte stream as it reads it and yields
each row as soon as it is read, so memory stays flat; both modes share one row loop
(``_records``), so the header is checked the same way (a wrong header still
refuses the whole file before any row), cells are stripped and unquoted the same way, but a row
that is not UTF-8, holds a NUL byte or a cell over the csv module's limit is one ``CsvProblem``
among the rows (the reader goes on with the next line) instead of refusing the whole file.

``CsvWriter`` (and ``write_csv`` / ``csv_response`` over it) is where every export writes its
cells, so the rule for cells has one place: a text cell a spreadsheet would run as a formula is
written with a leading single quote (see ``neutralise_formula``), and ``read_csv`` takes that one
quote off again, so an exported file imports back to the same values.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TextIO
from urllib.parse import quote

from django.http import HttpResponse

from config.errors import DomainError

# Far above any real SKU, name or note; a longer cell is a wrong file, not data.
MAX_CELL_CHARS = 10_000
# Bytes that do not occur in text files: a file holding them is binary (an XLSX, an image).
BINARY_MARKERS = ("\x00",)
# OWASP "CSV injection": a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ...except a plain number (-5, -1.25, +3), which must stay a number in the spreadsheet.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# A cell the writer quoted: quotes (possibly none of the value's own) followed by a formula start.
_QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


class CsvFileError(DomainError):
    """The file as a whole cannot be read as the CSV an import expects."""


@dataclass(frozen=True)
class CsvRow:
    """One data row: the line it starts on (the header is line 1) and its cells by column."""

    line: int
    values: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)

    def __getitem__(self, column: str) -> str:
        return self.values[column]


@dataclass(frozen=True)
class CsvProblem:
    """A row the reader refused: the line it starts on and why ("a cell holds a NUL byte")."""

    line: int
    problem: str
    # The csv module itself stopped on this row (bad quoting, a cell over its limit): read_csv
    # refuses the whole file then, iter_csv goes on with the next line.
    unreadable: bool = False


@dataclass
class CsvTable:
    """The readable rows of a file, its columns, and one message per row the reader refused."""

    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[CsvRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def decode_csv(content: bytes | str, *, error: type[DomainError] = CsvFileError) -> str:
    """UTF-8 text (a leading byte order mark dropped), or ``error`` saying how to save the file."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise error(
                f"The file is not UTF-8 text (byte {exc.start} cannot be decoded); "
                "save it as UTF-8 CSV."
            )
    else:
        text = content.removeprefix("\ufeff")
    if any(marker in text for marker in BINARY_MARKERS):
        raise error("The file contains NUL bytes: it is a binary file, not CSV text.")
    return text


def normalise_column(name: str) -> str:
    return name.strip().lower()


def check_columns(
    header: Sequence[str],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    error: type[Exception] = CsvFileError,
    ignore_unknown: bool = False,
) -> None:
    """Refuse a header that misses a required column, repeats one or (unless ``ignore_unknown``,
    for formats that other systems export with extra columns) has an unknown one."""
    allowed = [*required, *optional]
    missing = [c for c in required if c not in header]
    unexpected = [] if ignore_unknown else [c for c in header if c not in allowed]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if not (missing or unexpected or repeated):
        return
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if unexpected:
        detail.append(f"unexpected {', '.join(c or '(empty)' for c in unexpected)}")
    if repeated:
        detail.append(f"repeated {', '.join(repeated)}")
    expected = f"expected: {','.join(required)}"
    if optional:
        expected += f" (optional: {','.join(optional)})"
    raise error(f"Wrong columns ({'; '.join(detail)}); {expected}.")


def read_csv(
    content: bytes | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    error: type[DomainError] = CsvFileError,
    row_label: str = "line",
    max_cell_chars: int = MAX_CELL_CHARS,
    ignore_unknown: bool = False,
) -> CsvTable:
    """Read an uploaded CSV file: columns checked, blank rows skipped, cells stripped.

    Raises ``error`` for a file that cannot be read at all (see the module docstring) or that has
    no data rows; row problems go to ``CsvTable.errors`` as "<row_label> N: ...". Optional columns
    the file leaves out are "" in every row.
    """
    text = decode_csv(content, error=error)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, required, optional, error, ignore_unknown)
    table = CsvTable(columns=header)
    for item in _records(reader, header, optional=optional, max_cell_chars=max_cell_chars):
        if isinstance(item, CsvRow):
            table.rows.append(item)
        elif item.unreadable:
            raise error(
                f"{row_label} {item.line}: the file cannot be read as CSV ({item.problem})."
            )
        else:
            table.errors.append(f"{row_label} {item.line}: {item.problem}")
    if not table.rows and not table.errors:
        raise error("The file has no rows.")
    return table


def iter_csv(
    source: IO[bytes] | Iterable[bytes] | Iterable[str] | bytes | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    error: type[Exception] = CsvFileError,
    max_cell_chars: int = MAX_CELL_CHARS,
    ignore_unknown: bool = False,
) -> Iterator[CsvRow | CsvProblem]:
    """Stream a CSV: each data row as a ``CsvRow``, or a ``CsvProblem`` for a row it refused.

    ``source`` is a binary stream (a file, an HTTP body), an iterable of lines (bytes or text) or
    the whole content; it is decoded as it is read (bytes that are not UTF-8 are kept as escapes
    and the row holding them refused), so nothing but the current row is held. Raises ``error``
    before yielding anything for a header that is unreadable or has the wrong columns (the checks
    of ``read_csv``); an empty file after its header yields nothing. A row with bytes that are not
    UTF-8 or a cell holding a NUL byte is a ``CsvProblem``, as is a row the csv module stops on
    (a cell over ``csv.field_size_limit()``), after which the reading goes on with the next line.
    """
    reader = csv.reader(_text(source))
    header = _header(reader, required, optional, error, ignore_unknown)
    yield from _records(reader, header, optional=optional, max_cell_chars=max_cell_chars)


# Bytes that are not UTF-8 decode to lone surrogates with errors="surrogateescape".
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _text(source: IO[bytes] | Iterable[bytes] | Iterable[str] | bytes | str) -> Iterable[str]:
    """Text lines of ``source``: decoded UTF-8 (a leading BOM dropped, undecodable bytes kept as
    surrogate escapes for the row check), read as they are needed."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    if isinstance(source, str):
        return io.StringIO(source.removeprefix("\ufeff"), newline="")
    if isinstance(source, io.TextIOBase):
        return _decoded_lines(source)
    if hasattr(source, "readable"):  # a binary stream: decoded in large chunks, in C
        return io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return _decoded_lines(source)


def _decoded_lines(lines: Iterable[bytes] | Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="surrogateescape")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield line


def _header(
    reader: Any,
    required: Sequence[str],
    optional: Sequence[str],
    error: type[Exception],
    ignore_unknown: bool,
) -> list[str]:
    try:
        header = [normalise_column(name) for name in next(reader, [])]
    except csv.Error as exc:
        raise error(f"line 1: the file cannot be read as CSV ({_csv_reason(exc)}).")
    if _NOT_UTF8.search("".join(header)):
        raise error("The header is not UTF-8 text; save the file as UTF-8 CSV.")
    check_columns(
        header, required=required, optional=optional, error=error, ignore_unknown=ignore_unknown
    )
    return header


def _csv_reason(exc: csv.Error) -> str:
    reason = str(exc)
    if "field larger than field limit" in reason:
        reason = f"a cell is longer than {csv.field_size_limit():,} characters"
    return reason


def _records(
    reader: Any, header: list[str], *, optional: Sequence[str], max_cell_chars: int
) -> Iterator[CsvRow | CsvProblem]:
    """The rows after the header (blank ones skipped): the one loop of both reading modes.

    Kept lean: it runs once per row of sources with millions of rows."""
    absent = {column: "" for column in optional if column not in header}
    width = len(header)
    quoted = _QUOTED_FORMULA.match
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module stops at a cell over its own limit (131,072 characters) or bad
            # quoting; the next call starts afresh on the following line.
            yield CsvProblem(start, _csv_reason(exc), unreadable=True)
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        # One joined string answers the cheap questions about the whole row at once.
        joined = "".join(cells)
        if len(cells) > width or len(joined) > max_cell_chars:
            problem = _row_problem(cells, header, max_cell_chars)
            if problem:
                yield CsvProblem(line, problem)
                continue
        if "\x00" in joined:
            yield CsvProblem(line, "a cell holds a NUL byte (binary data, not CSV text)")
            continue
        if not joined.isascii() and _NOT_UTF8.search(joined):
            yield CsvProblem(line, "the row is not UTF-8 text")
            continue
        cells = list(map(str.strip, cells))
        if "'" in joined:
            cells = [cell[1:] if quoted(cell) else cell for cell in cells]
        if any(cells[:width]):
            values = dict(zip(header, cells, strict=False))
            yield CsvRow(line=line, values={**absent, **values} if absent else values)


def _row_problem(cells: list[str], header: list[str], max_cell_chars: int) -> str:
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        return "more cells than columns"
    for column, cell in zip(header, cells, strict=False):
        if len(cell) > max_cell_chars:
            return f"{column} is longer than {max_cell_chars:,} characters"
    return ""


# --------------------------------------------------------------------------- writing


def neutralise_formula(value: Any) -> Any:
    """``value`` as a spreadsheet shows it: text, never a formula (the OWASP rule).

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets one leading ``'``
    (spreadsheets show the rest as text), except a plain number such as ``-5`` or ``-1.25``,
    which stays a number. So that ``unquote_formula`` can undo it exactly, a cell that already
    starts with quotes followed by one of those characters gets one more quote too. Values
    that are not text (ints, Decimals, dates) are written as they are.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    if _QUOTED_FORMULA.match(value):
        return f"'{value}"
    return value


def unquote_formula(cell: str) -> str:
    """The value ``neutralise_formula`` wrote ``cell`` for: one leading ``'`` dropped when
    quotes are followed by a formula start (``'=SUM(A1)`` reads as ``=SUM(A1)``); any other
    cell as it is."""
    return cell[1:] if _QUOTED_FORMULA.match(cell) else cell


class CsvWriter:
    """Writes rows of cells to a text stream; every export's cells pass through ``cell``."""

    def __init__(self, target: TextIO | HttpResponse) -> None:
        self._writer = csv.writer(target, lineterminator="\n")

    @staticmethod
    def cell(value: Any) -> Any:
        """The value as written: the one hook for rules on exported cells (formulas neutralised)."""
        return neutralise_formula(value)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row; returns what the target's write() returned (a streamed export's line)."""
        return self._writer.writerow([self.cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_csv(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text (``\\n`` line ends)."""
    buffer = io.StringIO()
    CsvWriter(buffer).writerows(rows)
    return buffer.getvalue()


def attachment_header(filename: str) -> str:
    """A ``Content-Disposition`` value for a download named ``filename``, whatever it holds.

    RFC 6266: ``filename*=UTF-8''…`` carries the name percent-encoded (control characters
    dropped), and ``filename="…"`` an ASCII fallback for old clients (accents dropped, anything
    but letters, digits, ``.``, ``-``, ``_`` replaced by ``_``), so a ``"``, CR/LF or non-ASCII
    character in a SKU can neither break the header nor make Django refuse it.
    """
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or "download"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def csv_response(filename: str) -> HttpResponse:
    """An empty CSV download named ``filename``; write to it with ``CsvWriter(response)``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_header(filename)
    return response
