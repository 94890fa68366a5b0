"""What a reader sees of the built book, saved once and compared later (issue 27.6).

A move of the package (or any change that should not change the book) is checked by saving a
snapshot of the built book before it and comparing after it::

    .venv/bin/python benchmarks/compare_build.py save /tmp/before.json     # after `make book`
    ... the change, then `make book` again ...
    .venv/bin/python benchmarks/compare_build.py compare /tmp/before.json  # exit status 1 if any page differs

A snapshot holds, for every page of ``_build/html`` (``**/*.html``), the reader's text of its main
column (scripts, styles, the code cells' inputs and the page's navigation removed, whitespace
normalised), and the ledger's CSV (``_build/html/_static/ledger/ledger.csv``) as it is. ``compare``
prints every page whose text differs, with the first differing words, and whether the ledger differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

HTML = Path("_build/html")
LEDGER = Path("_static/ledger/ledger.csv")
REMOVED = ["script", "style", "noscript", "svg", "nav"]  # never a reader's text
INPUTS = [".cell_input", ".prompt", ".headerlink", ".copybtn"]  # code cells' inputs, anchors, buttons


def reader_text(html: str) -> str:
    """The main column's text as a reader reads it, whitespace normalised."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    article = main.find("article") or main
    for name in REMOVED:
        for tag in article.find_all(name):
            tag.decompose()
    for selector in INPUTS:
        for tag in article.select(selector):
            tag.decompose()
    return re.sub(r"\s+", " ", article.get_text(" ")).strip()


def snapshot(html_dir: Path = HTML) -> dict:
    pages = {
        path.relative_to(html_dir).as_posix(): reader_text(path.read_text(encoding="utf-8"))
        for path in sorted(html_dir.rglob("*.html"))
        if "_static" not in path.relative_to(html_dir).parts and "_sources" not in path.relative_to(html_dir).parts
    }
    ledger = html_dir / LEDGER
    return {"pages": pages, "ledger.csv": ledger.read_text(encoding="utf-8") if ledger.exists() else None}


def differences(before: dict, after: dict) -> list[str]:
    """One line (or a few) per page that differs, was added or was removed; the ledger's CSV last."""
    lines = []
    old, new = before["pages"], after["pages"]
    for page in sorted(set(old) | set(new)):
        if page not in new:
            lines.append(f"{page}: removed")
        elif page not in old:
            lines.append(f"{page}: added")
        elif old[page] != new[page]:
            diff = difflib.ndiff(old[page].split(" "), new[page].split(" "))
            changed = [word for word in diff if word[:1] in "+-"][:12]
            lines.append(f"{page}: differs ({' '.join(changed)})")
    if before["ledger.csv"] != after["ledger.csv"]:
        lines.append("ledger.csv: differs")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("snapshot", type=Path, help="the JSON file to write (save) or to compare with")
    parser.add_argument("--html", type=Path, default=HTML, help="the built book (default: _build/html)")
    args = parser.parse_args(argv)
    current = snapshot(args.html)
    if not current["pages"]:
        parser.error(f"no pages in {args.html}: build the book first (make book)")
    if args.action == "save":
        args.snapshot.write_text(json.dumps(current, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"{len(current['pages'])} pages and the ledger's CSV saved in {args.snapshot}")
        return 0
    lines = differences(json.loads(args.snapshot.read_text(encoding="utf-8")), current)
    for line in lines:
        print(line)
    print(f"{len(current['pages'])} pages compared: {len(lines)} difference(s)")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
