"""What the articles printed, transcribed once into ``data/published/`` (and our small mappings)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import articles as _registry
from .sources import ROOT

PUBLISHED = ROOT / "data" / "published"
MAPPINGS = ROOT / "data" / "mappings"

# each article's reference in plain text, from the registry (data/articles.yaml)
ARTICLES = {a.id: a.reference_text for a in _registry.ARTICLES}


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"transcription {path} is missing; it is part of the repository (git checkout it)")
    return pd.read_csv(path, dtype={"article": str}, keep_default_na=False, na_values=[""])


def table(name: str) -> pd.DataFrame:
    """A transcribed table, e.g. ``table("article000_table1a_kz_regions")``: one row per printed cell."""
    return _read(PUBLISHED / f"{name}.csv")


def mapping(name: str) -> pd.DataFrame:
    """One of our own small mapping tables under ``data/mappings/``."""
    return _read(MAPPINGS / f"{name}.csv")


def claims() -> pd.DataFrame:
    """The ledger of numeric claims in the articles' text (``data/published/ledger_claims.csv``)."""
    return _read(PUBLISHED / "ledger_claims.csv")
