"""What the articles printed, transcribed once into ``data/published/`` (and our small mappings).

Every file is checked against its schema (:mod:`companion.sources.published_schemas`) as it is read: a broken
transcription ends in one :class:`~companion.sources.validate.SchemaError` that names the file, the line and
the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from companion.core import registry as _registry
from companion.sources import ROOT, published_schemas, schemas
from companion.sources.validate import SchemaError

PUBLISHED = ROOT / "data" / "published"
MAPPINGS = ROOT / "data" / "mappings"

# each article's reference in plain text, from the registry (data/articles.yaml)
ARTICLES = {a.id: a.reference_text for a in _registry.ARTICLES}


def _relative(path: Path) -> str:
    """``published/<file>`` or ``mappings/<file>``: the key of the file's schema."""
    return f"{Path(path).parent.name}/{Path(path).name}"


def _label(path: Path) -> str:
    return f"data/{_relative(path)}"


def checked(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame``, as read from the file ``path`` (a CSV under data/published or data/mappings), checked
    against the file's schema; the error names the file and the line of the failing value (line 1 is
    the header). The frame is returned as read (the check changes no type)."""
    schema = published_schemas.SCHEMAS.get(_relative(path))
    if schema is None:
        raise SchemaError(
            f"data file {_label(path)!r}: no schema declared for it in companion/sources/published_schemas.py"
        )
    lines = frame.set_axis(range(2, len(frame) + 2))  # one record per line: row i of the frame is line i + 2
    try:
        schemas.check(lines, schema, _label(path), row="line")
    except SchemaError as exc:
        raise SchemaError(f"{exc}; correct the file (`git diff {_label(path)}` shows what changed)") from None
    return frame


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"transcription {path} is missing; it is part of the repository (git checkout it)")
    try:
        frame = pd.read_csv(path, dtype={"article": str}, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SchemaError(f"data file {_label(path)!r}: not a well-formed UTF-8 CSV table ({exc})") from exc
    return checked(frame, path)


def table(name: str) -> pd.DataFrame:
    """A transcribed table, e.g. ``table("article000_table1a_kz_regions")``: one row per printed cell."""
    return _read(PUBLISHED / f"{name}.csv")


def mapping(name: str) -> pd.DataFrame:
    """One of our own small mapping tables under ``data/mappings/``."""
    return _read(MAPPINGS / f"{name}.csv")


def claims() -> pd.DataFrame:
    """The ledger of numeric claims in the articles' text (``data/published/ledger_claims.csv``)."""
    return _read(PUBLISHED / "ledger_claims.csv")


def document(name: str) -> dict:
    """A transcribed figure described in YAML, e.g. ``document("article002_figure1")``: its title and
    credit, its boxes (``nodes``) and arrows (``edges``), each list checked as a table (ids unique,
    known roles, arrows between known boxes); the error names the file, the item and the field."""
    path = PUBLISHED / f"{name}.yaml"
    label = _label(path)
    if not path.is_file():
        raise FileNotFoundError(f"transcription {path} is missing; it is part of the repository (git checkout it)")
    try:
        model = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SchemaError(f"data file {label!r}: not readable YAML ({exc})") from exc
    if not isinstance(model, dict):
        raise SchemaError(f"data file {label!r}: not a mapping of title, after, credit, nodes and edges")
    for key in ("title", "after", "credit"):
        if not isinstance(model.get(key), str) or not model[key].strip():
            raise SchemaError(f"data file {label!r}: {key!r} must be a text")
    for key in ("nodes", "edges"):
        items = model.get(key)
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise SchemaError(f"data file {label!r}: {key!r} must be a non-empty list of mappings")
    nodes = pd.DataFrame(model["nodes"])
    edges = pd.DataFrame(model["edges"])
    items = dict(row="item")  # list items counted from 1
    schemas.check(nodes.set_axis(range(1, len(nodes) + 1)), published_schemas.FIGURE_NODES, f"{label} nodes", **items)
    node_ids = [str(i) for i in nodes["id"]]
    schemas.check(
        edges.set_axis(range(1, len(edges) + 1)), published_schemas.figure_edges(node_ids), f"{label} edges", **items
    )
    return model
