"""The full provenance of every raw file, kept in the repository in ``data/provenance.yaml``.

``data/sources.yaml`` says what to fetch and how to check it; ``data/provenance.yaml`` says where the
bytes come from: the publisher's original and its page, the repository copy used and the commit
that added it, the terms, what differs from the original, and the values checked by hand. Entries
are keyed by the file's path (the ``path`` of its ``data/sources.yaml`` entry), so provenance can be
written for a mirror folder before the code declares its files. The data page
(``about/data.ipynb``) shows it; the tests cite it for their known values.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from companion.sources import ROOT, read_yaml, sources

PROVENANCE_FILE = ROOT / "data" / "provenance.yaml"

# what every file's provenance must state (after the folder's shared fields are merged in)
REQUIRED = ("original", "page", "terms", "how_copied", "differences", "checked")
REQUIRED_COPY = ("repository", "path", "commit", "commit_date", "commit_is", "pinned_commit")
COMMIT_IS = ("added", "last change")


class ProvenanceError(ValueError):
    """``data/provenance.yaml`` lacks an entry or a field."""


@functools.cache
def _read(path: Path = PROVENANCE_FILE) -> dict:
    return read_yaml(path)


def entries(path: Path = PROVENANCE_FILE) -> dict[str, dict]:
    """Every file's provenance by its path, with its folder's shared fields merged in."""
    data = _read(path)
    folders = data.get("folders") or {}
    merged = {}
    for file_path, entry in (data.get("files") or {}).items():
        folder = file_path.split("/")[0]
        merged[file_path] = {"folder": folder, **folders.get(folder, {}), **entry}
    return merged


def problems(entry: dict, name: str) -> list[str]:
    """What one entry lacks (empty when it is complete)."""
    found = []
    for field in REQUIRED:
        if not entry.get(field):
            found.append(f"{name}: no {field!r}")
    copy = entry.get("copy") or {}
    for field in REQUIRED_COPY:
        if not copy.get(field):
            found.append(f"{name}: no 'copy.{field}'")
    if copy.get("commit_is") and copy["commit_is"] not in COMMIT_IS:
        found.append(f"{name}: 'copy.commit_is' is {copy['commit_is']!r}, not one of {COMMIT_IS}")
    if not isinstance(entry.get("checked", []), list):
        found.append(f"{name}: 'checked' must be a list")
    return found


def of(key: str) -> dict:
    """The provenance of the declared raw file ``key``; fails naming the key and what is missing."""
    src = sources()[key] if key in sources() else None
    if src is None:
        raise KeyError(f"unknown data key {key!r}: data/sources.yaml does not declare it")
    entry = entries().get(src.path)
    if entry is None:
        raise ProvenanceError(
            f"data file {key!r} ({src.path}) has no entry in {PROVENANCE_FILE.relative_to(ROOT)}: "
            f"add one under files: {src.path!r} (see the comment at the top of that file)"
        )
    missing = problems(entry, f"{key} ({src.path})")
    if missing:
        raise ProvenanceError("incomplete provenance in data/provenance.yaml: " + "; ".join(missing))
    return entry


def table() -> pd.DataFrame:
    """One row per declared raw file: its provenance, for the data page."""
    rows = []
    for key in sorted(sources()):
        entry = of(key)
        copy = entry["copy"]
        rows.append(
            {
                "key": key,
                "original": entry["original"],
                "page": entry["page"],
                "copy used": f"{copy['repository']}: {copy['path']}",
                "commit": (
                    f"{copy['commit'][:12]} ({copy['commit_is']}, {copy['commit_date']}); "
                    f"pinned {copy['pinned_commit'][:12]}"
                ),
                "terms": entry["terms"],
                "differs from the original": entry["differences"],
                "checked by hand": " | ".join(entry["checked"]),
            }
        )
    return pd.DataFrame(rows).set_index("key")


def folders(path: Path = PROVENANCE_FILE) -> dict[str, dict]:
    """What the files of each mirror folder share (publisher, page, terms, notes), by folder."""
    return dict(_read(path).get("folders") or {})
