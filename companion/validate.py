"""Checks that a loaded table is what the loader expects, with errors that name the file and the rule.

A loader calls :func:`check_frame` right after reading a raw file and again on the tidy frame it
returns; a file that breaks a rule fails with the data key, the column and the rule broken, never a
deep pandas traceback further down.
"""

from __future__ import annotations

import pandas as pd
from pandas.api import types

_KINDS = {
    "int": types.is_integer_dtype,
    "float": types.is_numeric_dtype,
    "str": lambda s: types.is_string_dtype(s) or types.is_object_dtype(s) or s.isna().all(),
}


class SchemaError(ValueError):
    """A raw data file does not have the columns, types or values its loader expects."""


def read_csv(path, key: str, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` whose failures (empty file, wrong encoding, broken quoting) name the data key."""
    try:
        return pd.read_csv(path, **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise SchemaError(f"data file {key!r}: the file is empty ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise SchemaError(f"data file {key!r}: not readable as {kwargs.get('encoding', 'utf-8')} text "
                          f"(byte {exc.start}: {exc.reason}); wrong encoding?") from exc
    except pd.errors.ParserError as exc:
        raise SchemaError(f"data file {key!r}: not a well-formed CSV table ({exc})") from exc


def read_excel(path, key: str, **kwargs) -> pd.DataFrame:
    """``pandas.read_excel`` whose failures (not a workbook, missing sheet) name the data key."""
    try:
        return pd.read_excel(path, **kwargs)
    except ValueError as exc:  # e.g. "Worksheet named ... not found"
        raise SchemaError(f"data file {key!r}: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: truncated or not an xlsx file
        raise SchemaError(f"data file {key!r}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from exc


def check_frame(frame: pd.DataFrame, key: str, *, columns: dict[str, str] | None = None,
                ranges: dict[str, tuple[float, float]] | None = None,
                unique: list[str] | None = None, not_null: list[str] | None = None) -> pd.DataFrame:
    """Raise :class:`SchemaError` naming ``key``, the column and the rule when ``frame`` breaks one.

    columns: required column -> kind ("int", "float" or "str"); ranges: column -> (low, high),
    inclusive, missing values allowed; unique: columns that together identify a row;
    not_null: columns that must have no missing value.
    """
    def fail(column, rule, detail):
        raise SchemaError(f"data file {key!r}: column {column!r} breaks the rule '{rule}': {detail}")

    for column, kind in (columns or {}).items():
        if column not in frame.columns:
            fail(column, "required column", f"missing; the file has columns {list(frame.columns)}")
        if not _KINDS[kind](frame[column]):
            bad = frame[column][pd.to_numeric(frame[column], errors="coerce").isna() & frame[column].notna()]
            example = f"; e.g. {bad.iloc[0]!r} in row {bad.index[0]}" if len(bad) else ""
            fail(column, f"values of type {kind}", f"found dtype {frame[column].dtype}{example}")
    for column, (low, high) in (ranges or {}).items():
        values = frame[column]
        outside = values[(values < low) | (values > high)]
        if len(outside):
            fail(column, f"values in [{low}, {high}]",
                 f"{len(outside)} value(s) outside, e.g. {outside.iloc[0]!r} in row {outside.index[0]}")
    for column in not_null or []:
        missing = frame[frame[column].isna()]
        if len(missing):
            fail(column, "no missing values", f"{len(missing)} missing, first in row {missing.index[0]}")
    if unique:
        dupes = frame[frame.duplicated(unique, keep=False)]
        if len(dupes):
            first = dupes.iloc[0][unique].to_dict()
            fail("+".join(unique), "one row per key", f"{len(dupes)} rows share a key, e.g. {first}")
    return frame
