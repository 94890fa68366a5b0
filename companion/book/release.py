"""Where the book is published, which version it is, and the release archive.

The one place
    ``pyproject.toml`` holds the version (``[project] version``) and, under ``[tool.companion]``,
    the release date, the public address of the book and its repository. The address and the
    repository are empty in the repository itself: the book is not published from a developer's
    machine. At build time the environment variables ``COMPANION_BASE_URL`` and
    ``COMPANION_REPOSITORY`` set them (the GitHub Actions workflow derives both from the repository
    it runs in). Everything that names the book's address, repository, version or date asks this
    module: ``html.baseurl``, the repository button and the Binder/Colab launch buttons
    (``_ext/publication.py``), every figure's citation and BibTeX (``companion.book.figures``),
    ``CITATION.cff`` and ``.zenodo.json`` (checked against it by ``tests/book/test_publication.py``),
    the book's footer and the release archive's name.

    With no address (a local build) citations carry the page's relative path and anchor, the
    book has no repository or launch buttons, and nothing needs the network.

Command line (``python -m companion release``)
    ``address``                 print the effective address, repository, version and date
    ``cff``                     print CITATION.cff with this version, date, address and repository
    ``archive [--pdf P]``       write ``_build/release/companion-<version>.tar.gz`` (the HTML book,
                                the PDF, the ledger as CSV and JSON, every figure's files and
                                CITATION.cff, with a SHA256SUMS manifest inside) and a SHA256SUMS
                                beside it
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from companion.core.checkout import BOOK_ROOT as ROOT  # the checkout, or the installed package's copy (pyproject.toml)
from companion.core.publication import (  # noqa: F401 (the release's names, kept here for its callers)
    BASE_URL_ENV,
    BRANCH_ENV,
    PYPROJECT,
    REPOSITORY_ENV,
    Publication,
    PublicationError,
    publication,
)

RELEASE_DIR = ROOT / "_build" / "release"
FIGURE_EXTS = ("png", "svg", "csv", "txt", "bib")


# --------------------------------------------------------------------------------------------------
# CITATION.cff

CFF = ROOT / "CITATION.cff"


def cff_text(pub: Publication | None = None) -> str:
    """CITATION.cff as committed, with version, date, address (``url``) and repository
    (``repository-code``) taken from :func:`publication` (the two last only when set)."""
    pub = pub or publication()
    lines = CFF.read_text(encoding="utf-8").splitlines()
    out, seen = [], set()
    fields = {"version": pub.version, "date-released": pub.date, "url": pub.base_url, "repository-code": pub.repository}
    for line in lines:
        key = line.split(":", 1)[0]
        if key in fields:
            seen.add(key)
            if fields[key]:
                out.append(f"{key}: {_cff_value(key, fields[key])}")
            continue
        out.append(line)
    # place url / repository-code after date-released when the committed file does not have them
    for key in ("url", "repository-code"):
        if key not in seen and fields[key]:
            at = next(i for i, line in enumerate(out) if line.startswith("date-released:")) + 1
            out.insert(at, f"{key}: {_cff_value(key, fields[key])}")
    return "\n".join(out) + "\n"


def _cff_value(key: str, value: str) -> str:
    return value if key == "date-released" else json.dumps(value)


# --------------------------------------------------------------------------------------------------
# The release archive


def _ledger_tables() -> tuple[bytes, bytes]:
    """The ledger as printed by ``python -m companion claims`` (CSV), and the same rows as JSON
    (numbers where a whole column is numeric, ids such as ``000`` kept as text)."""
    import pandas as pd

    result = subprocess.run([sys.executable, "-m", "companion", "claims"], capture_output=True, cwd=ROOT)
    if result.returncode != 0:
        raise PublicationError("python -m companion claims failed:\n" + result.stderr.decode(errors="replace"))
    csv = result.stdout
    table = pd.read_csv(io.BytesIO(csv), dtype=str, keep_default_na=False)
    number = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
    for column in table.columns:
        values = [v for v in table[column] if v != ""]
        if values and all(number.fullmatch(v) for v in values):
            table[column] = [
                None if v == "" else (int(v) if re.fullmatch(r"-?\d+", v) else float(v)) for v in table[column]
            ]
        else:
            table[column] = [None if v == "" else v for v in table[column]]
    records = table.to_dict(orient="records")
    return csv, (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_members(html: Path, pdf: Path, figures: Path) -> dict[str, bytes]:
    """Every file of the release under its path inside the archive."""
    pub = publication()
    if not (html / "index.html").is_file():
        raise PublicationError(f"{html}: no built HTML book here (run `make book`)")
    if not pdf.is_file():
        raise PublicationError(f"{pdf}: no PDF here (run `make pdf`)")
    figure_files = sorted(p for p in figures.glob("fig-*") if p.suffix.lstrip(".") in FIGURE_EXTS)
    if not figure_files:
        raise PublicationError(f"{figures}: no exported figures here (run `make book`)")
    members = {}
    for path in sorted(p for p in html.rglob("*") if p.is_file()):
        if ".doctrees" in path.parts or path.name == ".buildinfo":
            continue
        members[f"html/{path.relative_to(html).as_posix()}"] = path.read_bytes()
    members["book.pdf"] = pdf.read_bytes()
    csv, js = _ledger_tables()
    members["ledger/claims.csv"] = csv
    members["ledger/claims.json"] = js
    for path in figure_files:
        members[f"figures/{path.name}"] = path.read_bytes()
    members["CITATION.cff"] = cff_text(pub).encode("utf-8")
    members["SHA256SUMS"] = "".join(f"{_sha256(data)}  {name}\n" for name, data in sorted(members.items())).encode()
    return members


def write_archive(members: dict[str, bytes], out_dir: Path = RELEASE_DIR) -> Path:
    """``companion-<version>.tar.gz`` under one top folder, byte-identical for the same members
    (sorted entries, fixed owner, mode and time: the release date), plus ``SHA256SUMS`` beside it."""
    pub = publication()
    stem = f"companion-{pub.version}"
    mtime = int(dt.datetime.combine(dt.date.fromisoformat(pub.date), dt.time(), dt.UTC).timestamp())
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(f"{stem}/{name}")
            info.size, info.mtime, info.mode = len(members[name]), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(members[name]))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=mtime) as gz:
        gz.write(raw.getvalue())
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{stem}.tar.gz"
    archive.write_bytes(packed.getvalue())
    (out_dir / "SHA256SUMS").write_text(f"{_sha256(packed.getvalue())}  {archive.name}\n", encoding="utf-8")
    return archive
