"""What the articles printed, transcribed once into ``data/published/`` (and our small mappings)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .sources import ROOT

PUBLISHED = ROOT / "data" / "published"
MAPPINGS = ROOT / "data" / "mappings"

ARTICLES = {
    "000": "Fazylzhan D. Comparative analysis of political participation in the context of the spread "
           "of digital technologies based on the study of the experience of the UK and Kazakhstan. "
           "Adam alemi, 2022, No. 3 (93), pp. 102-110.",
    "002": "Aitymbetov N., Nyshanbaev N. The impact of the digitalization process on democratic political "
           "institutions and public administration: in the example of the Republic of Kazakhstan "
           "(grant AP09057996; journal issue not printed in the copy).",
    "004": "Electronic public involvement: modern challenges for Kazakhstan (author and journal not "
           "printed in the copy).",
}


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"transcription {path} is missing; it is part of the repository (git checkout it)")
    return pd.read_csv(path, dtype={"article": str}, keep_default_na=False, na_values=[""])


def table(name: str) -> pd.DataFrame:
    """A transcribed table, e.g. ``table("table1a_kz_regions")``: one row per printed cell."""
    return _read(PUBLISHED / f"{name}.csv")


def mapping(name: str) -> pd.DataFrame:
    """One of our own small mapping tables under ``data/mappings/``."""
    return _read(MAPPINGS / f"{name}.csv")


def claims() -> pd.DataFrame:
    """The ledger of numeric claims in the articles' text (``data/published/claims.csv``)."""
    return _read(PUBLISHED / "claims.csv")
