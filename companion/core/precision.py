"""The book's precision rule: computed numbers carry 6 significant digits, not the CPU's last bits.

The same pinned code gives different last bits of a float on another CPU or BLAS kernel (an AVX-512
Xeon, OpenBLAS's generic kernels, numpy's baseline loops). A float stored at full precision in a
notebook output (a glued value, a table cell, an exported CSV) then differs there, and nbval fails
although nothing that the book means has changed. So every computed number is rounded where it is
made, to :data:`SIGNIFICANT_DIGITS` significant digits:

* 6 digits hold every digit the articles print (94.5, 0.7597, 41.1) and every tolerance (0.05, 0.005)
  with room to spare, and sit ten orders of magnitude above the noise (a relative 1e-16 to 1e-13),
  so a rounding boundary is almost never between two machines' values;
* integer-valued floats (counts such as populations: ``18754440.0``) are exact and stay as they are;
* rounding uses Python's correctly rounded decimal conversion (``format(x, ".6g")``), which is the
  same on every machine.

:func:`rounded` applies the rule to a number, a Series or a DataFrame (float columns only), and
:func:`glue` rounds before gluing. :func:`too_precise` finds the floats in a text that break the
rule; ``tests/core/test_precision.py`` runs it over every stored notebook output.

What a reader sees of a claim is another matter: :func:`claim_value` and :func:`claim_cells` show a
claim's printed, recomputed, gap and tolerance at the decimals the article printed it, with the
claim's unit ("81.3 %", "−2.1 percentage points", "13 million", "rank 6", "+3 years"). The ledger
page and every claims table call them; the machine-readable ledger (CSV, JSON) keeps the full values.
``number_problems`` in ``tests/book/test_browser.py`` checks every built page for padded numbers, four
decimals without a unit, and None/NaN.
"""

from __future__ import annotations

import math
import re
from numbers import Real

import numpy as np
import pandas as pd

SIGNIFICANT_DIGITS = 6


def round_sig(value, digits: int = SIGNIFICANT_DIGITS):
    """``value`` rounded to ``digits`` significant digits (a float); integer-valued floats, NaN,
    infinities, ints, bools and None come back unchanged."""
    if value is None or isinstance(value, (bool, np.bool_, int, np.integer)):
        return value
    if not isinstance(value, Real):
        return value
    number = float(value)
    if not math.isfinite(number) or number.is_integer():
        return number
    return float(format(number, f".{digits}g"))


def rounded(obj, digits: int = SIGNIFICANT_DIGITS):
    """The precision rule applied to a number, a sequence of numbers, a Series or a DataFrame.

    DataFrames and Series: every float column is rounded value by value; other columns are left
    alone. A new object is returned; the argument is not changed."""
    if isinstance(obj, pd.DataFrame):
        out = obj.copy()
        for column in out.columns:
            if pd.api.types.is_float_dtype(out[column].dtype):
                out[column] = rounded(out[column], digits)
        return out
    if isinstance(obj, pd.Series):
        if not pd.api.types.is_float_dtype(obj.dtype):
            return obj.copy()
        return obj.map(lambda v: round_sig(v, digits), na_action="ignore").astype(obj.dtype)
    if isinstance(obj, np.ndarray):
        return np.array([round_sig(v, digits) for v in obj.ravel()], dtype=float).reshape(obj.shape)
    if isinstance(obj, (list, tuple)):
        return type(obj)(rounded(v, digits) for v in obj)
    if isinstance(obj, dict):
        return {k: rounded(v, digits) for k, v in obj.items()}
    return round_sig(obj, digits)


def glue(name: str, value, display: bool = False):
    """``myst_nb.glue`` of ``value`` rounded by the rule (numbers, Series and DataFrames alike)."""
    from myst_nb import glue as _glue

    return _glue(name, rounded(value), display=display)


# A decimal number standing on its own: not part of a version (1.0.4), a hash or an identifier.
_FLOAT = re.compile(r"(?<![\w.])[-+]?(\d+)\.(\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def significant_digits(token: str) -> int:
    """Significant digits of a printed decimal (``"0.2227662980006478"`` -> 16). Trailing zeros are
    display padding (pandas prints ``17.000`` beside ``0.204``) and an integer-valued float
    (``"18754440.0"``) is exact: both count as 0 beyond their non-zero digits."""
    match = _FLOAT.fullmatch(token.strip())
    if not match:
        raise ValueError(f"not a printed decimal: {token!r}")
    whole, fraction = match.group(1), match.group(2)
    if set(fraction) <= {"0"}:
        return 0
    return len((whole + fraction).lstrip("0").rstrip("0"))


def too_precise(text: str, digits: int = SIGNIFICANT_DIGITS) -> list[str]:
    """The decimals printed in ``text`` with more than ``digits`` significant digits."""
    return [m.group(0) for m in _FLOAT.finditer(text) if significant_digits(m.group(0)) > digits]


# --------------------------------------------------------------------------------------------------
# A claim's numbers as a reader sees them: at the precision the article printed, with the claim's unit

MINUS = "\u2212"  # −, the minus sign of the book's tables
# decimals shown for a claim whose printed value is no number ("almost doubled", "minor changes"): the
# precision of the source the claim is checked against (shares and their changes to 0.1, ratios to 0.01)
UNIT_DECIMALS = {"%": 1, "percentage points": 1, "ratio": 2, "million": 1, "thousand": 1}
# the unit a difference (or a tolerance) of two values of a unit is measured in, where it is another
DIFFERENCE_UNIT = {"%": "percentage points", "year": "years", "rank": "places", "date": "days"}
_PRINTED_NUMBER = re.compile(r"[-+\u2212]?\d+(?:[.,](\d+))?")


def printed_decimals(printed) -> int | None:
    """The decimals of a value as the article printed it (``"88.2"`` -> 1, ``"81,3"`` -> 1, ``"99"``
    -> 0, ``88.0`` -> 1: a float from a printed table keeps its printed decimal); None when it is no
    number (``"almost doubled"``, ``"2018-2022"``)."""
    if printed is None or isinstance(printed, bool):
        return None
    if isinstance(printed, Real):
        if not math.isfinite(float(printed)):
            return None
        if isinstance(printed, (int, np.integer)):
            return 0
        text = repr(float(printed))  # the shortest text of the float: 88.0 -> "88.0", 0.125 -> "0.125"
        return None if "e" in text else len(text.split(".", 1)[1])
    match = _PRINTED_NUMBER.fullmatch(str(printed).strip())
    if not match:
        return None
    return len(match.group(1)) if match.group(1) else 0


def claim_decimals(printed, unit) -> int:
    """The decimals a claim's numbers are shown with: those of the printed value, or, where the article
    printed no number, :data:`UNIT_DECIMALS` of its unit (0 for counts, ranks and years)."""
    decimals = printed_decimals(printed)
    if decimals is not None:
        return decimals
    return UNIT_DECIMALS.get(_unit(unit), 0)


def _unit(unit) -> str:
    return "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit).strip()


def _number(value, decimals: int, sign: bool = False) -> str:
    number = round(float(round_sig(float(value))), decimals)
    if number == 0:
        number = 0.0  # no "−0.0"
    text = f"{number:{'+' if sign and number else ''},.{decimals}f}"
    return text.replace("-", MINUS)


def with_unit(number: str, unit) -> str:
    """``number`` followed by its unit: "81.3 %", "13.2 million", "rank 7"; a year, a date, a count of
    the claim's own things (tweets, followers, countries) are followed by that word; no unit, nothing."""
    unit = _unit(unit)
    if not unit:
        return number
    if unit == "rank":
        return f"rank {number}"
    if unit == "year":
        return number
    if unit == "ratio":
        return f"{number} times"
    return f"{number} {unit}"


def claim_value(value, printed, unit, kind: str = "value") -> str:
    """One number of a claim as the book shows it: at the decimals the article printed the claim
    (:func:`claim_decimals`) and with its unit; ``kind`` "value" (printed or recomputed), "difference"
    (signed, in the unit of a difference: percentage points for %) or "tolerance" (± and the decimals
    it needs, at least the printed ones). Text (a name, a status) is shown as it is; a missing value as
    ""."""
    if value is None or value is pd.NA or isinstance(value, bool):
        return "" if value is None or value is pd.NA else str(value)
    if not isinstance(value, Real):
        number = _as_float(value)
        if number is None:
            return str(value)
        value = number
    if not math.isfinite(float(value)):
        return ""
    unit = _unit(unit)
    decimals = claim_decimals(printed, unit)
    if kind == "value":
        year = unit in ("year", "date") or (unit in ("years", "decade", "decades"))
        text = _number(value, decimals).replace(",", "") if year else _number(value, decimals)
        return with_unit(text, unit)
    shown_unit = DIFFERENCE_UNIT.get(unit, unit)
    if shown_unit == "ratio":
        shown_unit = ""
    if kind == "difference":
        text = _number(value, decimals, sign=True)
    elif kind == "tolerance":
        needed = printed_decimals(format(round_sig(float(value)), "f").rstrip("0").rstrip(".") or "0")
        text = "\u00b1" + _number(value, max(decimals, needed or 0))
    else:
        raise ValueError(f"kind {kind!r}: use 'value', 'difference' or 'tolerance'")
    if shown_unit == "places" and text.lstrip("+\u2212\u00b1") == "1":
        shown_unit = "place"
    return f"{text} {shown_unit}".strip()


def _as_float(value) -> float | None:
    try:
        return float(str(value).replace(MINUS, "-"))
    except ValueError:
        return None


# ledger column -> which kind of number of its claim it holds
CLAIM_NUMBERS = {
    "published": "value",
    "recomputed": "value",
    "value": "value",
    "read_as": "value",
    "difference": "difference",
    "gap": "difference",
    "tolerance": "tolerance",
}


def claim_cells(row, printed=None, unit=None) -> dict[str, str]:
    """The cells of one ledger row (or evidence row) that hold the claim's numbers (:data:`CLAIM_NUMBERS`),
    as the book shows them (:func:`claim_value`): at the printed value's decimals, with the unit.
    ``printed`` and ``unit`` default to the row's ``published`` and ``unit``."""
    printed = row.get("published") if printed is None else printed
    unit = row.get("unit") if unit is None else unit
    return {
        column: claim_value(row[column], printed, unit, kind) for column, kind in CLAIM_NUMBERS.items() if column in row
    }
