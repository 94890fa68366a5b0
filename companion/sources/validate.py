"""Reading raw tables with errors that name the file: the readers the loaders use, and the error.

:func:`read_csv` and :func:`read_sheet_rows` turn failures on a broken file (empty, wrong
encoding, not a workbook, no such sheet) into a :class:`SchemaError` naming the data key. What a table must hold
(columns, types, ranges, keys) is declared in :mod:`companion.sources.schemas` (pandera).
"""

from __future__ import annotations

import pandas as pd


class SchemaError(ValueError):
    """A raw data file does not have the columns, types or values its loader expects."""


def read_csv(path, key: str, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` whose failures (empty file, wrong encoding, broken quoting) name the data key."""
    try:
        return pd.read_csv(path, **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise SchemaError(f"data file {key!r}: the file is empty ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise SchemaError(
            f"data file {key!r}: not readable as {kwargs.get('encoding', 'utf-8')} text "
            f"(byte {exc.start}: {exc.reason}); wrong encoding?"
        ) from exc
    except pd.errors.ParserError as exc:
        raise SchemaError(f"data file {key!r}: not a well-formed CSV table ({exc})") from exc


def read_sheet_rows(path, key: str, sheet: str) -> tuple[tuple, ...]:
    """All rows of one worksheet as tuples of cell values (cached values, not formulas), read with
    calamine. Calamine gives every number as a float and an empty cell as ''; they become int (when
    whole) and None, as openpyxl reads them. A file that is no workbook, or lacks the sheet, fails
    with a :class:`SchemaError` naming the data key."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError and friends: truncated or not an xlsx file
        raise SchemaError(f"data file {key!r}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from exc
    if sheet not in book.sheet_names:
        raise SchemaError(f"data file {key!r}: no sheet {sheet!r}; it has {book.sheet_names}")
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return tuple(tuple(_cell(v) for v in row) for row in rows)


def _cell(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
