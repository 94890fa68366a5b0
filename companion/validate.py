"""Reading raw tables with errors that name the file: the readers the loaders use, and the error.

:func:`read_csv` and :func:`read_excel` turn pandas' failures on a broken file (empty, wrong
encoding, not a workbook) into a :class:`SchemaError` naming the data key. What a table must hold
(columns, types, ranges, keys) is declared in :mod:`companion.schemas` (pandera).
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
