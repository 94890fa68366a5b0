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
rule; ``tests/test_precision.py`` runs it over every stored notebook output.
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
