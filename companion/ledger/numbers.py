"""The index of every number printed in the three articles, and where each one went.

``data/published/numbers_index.csv`` lists every number and year printed in each article copy (one row
per occurrence: article, line of the text copy, its place among the numbers of that line (numbers
written as words, such as "two countries" or "the first million", are numbered among the words of the
line), the number as printed, a kind: year, number or word) with either the ledger claim it belongs
to (``claim_id``) or the reason it is not a claim (``reason``: a page number, the year of a cited
work, a citation marker ...). No article text is copied: only the numbers and their places.

The index is made by this module from the article copies (``../shared/articles/`` beside the
repository, or ``$COMPANION_ARTICLES``)::

    python -m companion numbers            # rewrite the index, keeping every classification made so far

Rebuilding keeps the ``claim_id`` or ``reason`` of every occurrence already in the index (matched on
article, line, occurrence and number) and fills in the reasons that follow from a rule (below); a
new occurrence with neither is left blank, and ``tests/ledger/test_numbers.py`` fails on it until someone
classifies it. The test also re-extracts the numbers where the copies are present and fails if the
committed index is incomplete or stale.

Rules that classify an occurrence without a person (each names its reason):

* every number from the reference list to the end of the copy (reference lists, their
  transliteration, the authors' details);
* a number inside square brackets: a citation marker or a cited page, e.g. ``[18, p.63]``;
* the running header of a page of the journal (page number, issue and year);
* a word "thousand", "million" or "billion" right after a digit number (the number's multiplier).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from companion.sources import ROOT

INDEX = ROOT / "data" / "published" / "numbers_index.csv"
ARTICLES_ENV = "COMPANION_ARTICLES"
ARTICLE_IDS = ("000", "002", "004")  # the articles whose copies are indexed (a subset of companion.core.registry.IDS)
COLUMNS = ["article", "line", "occurrence", "number", "kind", "claim_id", "reason"]
KEY = ["article", "line", "occurrence", "number"]

# A number as printed: digits, with decimal or thousands separators inside ("81,3", "1,125", "27.01.2022"),
# not glued to a letter or digit before it (so "GE2015", "AP09057996" and "P1700000827" are not numbers).
NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
REFERENCES = re.compile(r"^\s*(List of literature|List of references|References|Transliteration)\s*$")
BRACKETS = re.compile(r"\[[^\]]*\]")
# A number written as a word: cardinals, ordinals and multiples ("two countries", "the first million",
# "tripled", "five times", "half"). English only: the Kazakh and Russian abstracts restate the English text.
_UNITS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    "(?:thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)th|"
    "(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)ieth"
)
NUMBER_WORD = re.compile(
    rf"(?<![\w-])(?:(?:{_TENS})(?:-(?:{_UNITS}|{_ORDINALS}))?|{_UNITS}|{_ORDINALS}|"
    r"hundreds?|thousands?|millions?|billions?|dozens?|half|twice|doubled?|tripled?|triple|quadrupled?)(?![\w-])",
    re.IGNORECASE,
)
MULTIPLIER = re.compile(r"\d\s+(?:thousand|million|billion)$", re.IGNORECASE)
RUNNING_HEADER = re.compile(r"\d+\s+АДАМ ӘЛЕМІ\s+№\s*\d+\s*\(\d+\)\s*\d{4}")

REASON_REFERENCES = (
    "reference list, its transliteration or the authors' details (years, volumes and pages of cited works)"
)
REASON_BRACKETS = "citation marker or cited page in square brackets"
REASON_HEADER = "running header of the journal page (page number, issue, year)"
REASON_MULTIPLIER = "multiplier of the digit number before it (e.g. 3.7 million), indexed with that number"


def articles_dir() -> Path:
    return Path(os.environ.get(ARTICLES_ENV) or ROOT.parent / "shared" / "articles")


def article_file(article: str, folder: Path | None = None) -> Path:
    folder = articles_dir() if folder is None else folder
    hits = sorted(folder.glob(f"{article}_*.txt"))
    if len(hits) != 1:
        raise FileNotFoundError(f"article copy {article}_*.txt: expected one file in {folder}, found {len(hits)}")
    return hits[0]


def kind(number: str) -> str:
    """'year' for a whole number from 1900 to 2099, 'word' for a number written as a word, else 'number'
    (a hint for the reader, no rule)."""
    if NUMBER_WORD.fullmatch(number):
        return "word"
    return "year" if re.fullmatch(r"(19|20)\d\d", number) else "number"


def extract(text: str, article: str) -> pd.DataFrame:
    """Every number of one article copy, with the reason a rule gives (or '').

    Columns: article, line (1-based), occurrence (1-based, within the line), number, kind, rule_reason."""
    rows = []
    in_references = False
    for line_no, line in enumerate(text.split("\n"), start=1):
        if REFERENCES.match(line):
            in_references = True
        brackets = [m.span() for m in BRACKETS.finditer(line)]
        headers = [m.span() for m in RUNNING_HEADER.finditer(line)]
        found = [(m, False) for m in NUMBER.finditer(line)] + [(m, True) for m in NUMBER_WORD.finditer(line)]
        counters = {False: 0, True: 0}
        for match, is_word in found:
            counters[is_word] += 1
            occurrence = counters[is_word]  # digits and words are numbered apart, each in the order of the line
            start = match.start()
            if in_references:
                reason = REASON_REFERENCES
            elif any(a <= start < b for a, b in headers):
                reason = REASON_HEADER
            elif any(a <= start < b for a, b in brackets):
                reason = REASON_BRACKETS
            elif is_word and MULTIPLIER.search(line[: match.end()]):
                reason = REASON_MULTIPLIER
            else:
                reason = ""
            rows.append(
                {
                    "article": article,
                    "line": line_no,
                    "occurrence": occurrence,
                    "number": match.group(0),
                    "kind": kind(match.group(0)),
                    "rule_reason": reason,
                }
            )
    return pd.DataFrame(rows, columns=["article", "line", "occurrence", "number", "kind", "rule_reason"])


def extract_all(folder: Path | None = None) -> pd.DataFrame:
    parts = [extract(article_file(a, folder).read_text(encoding="utf-8"), a) for a in ARTICLE_IDS]
    return pd.concat(parts, ignore_index=True)


def read_index(path: Path | None = None) -> pd.DataFrame:
    path = INDEX if path is None else path
    if not path.is_file():
        raise FileNotFoundError(f"number index {path} is missing; rebuild it with `python -m companion numbers`")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    from companion.sources.published import checked

    frame = checked(frame, path)  # the schema of data/published/numbers_index.csv
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"number index {path}: missing columns {missing}")
    frame["line"] = frame["line"].astype(int)
    frame["occurrence"] = frame["occurrence"].astype(int)
    return frame[COLUMNS]


def build(folder: Path | None = None, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The index from the article copies, keeping the classifications of ``previous``."""
    fresh = extract_all(folder)
    if previous is None:
        previous = read_index() if INDEX.is_file() else pd.DataFrame(columns=COLUMNS)
    kept = previous[KEY + ["claim_id", "reason"]].copy()
    kept["line"] = kept["line"].astype(int)
    kept["occurrence"] = kept["occurrence"].astype(int)
    frame = fresh.merge(kept, on=KEY, how="left", validate="1:1")
    frame["claim_id"] = frame["claim_id"].fillna("")
    frame["reason"] = frame["reason"].fillna("")
    by_rule = (frame["claim_id"] == "") & (frame["reason"] == "")
    frame.loc[by_rule, "reason"] = frame.loc[by_rule, "rule_reason"]
    frame["_word"] = frame["kind"] == "word"  # in each line, the digit numbers first, then the words
    frame = frame.sort_values(["article", "line", "_word", "occurrence"])
    return frame[COLUMNS].reset_index(drop=True)


def problems(index: pd.DataFrame, claim_ids: set[str]) -> list[str]:
    """What is wrong with the index: occurrences with neither a claim nor a reason, or both, or a claim
    the ledger does not hold."""
    out = []
    for row in index.itertuples(index=False):
        where = f"article {row.article}, line {row.line}, number {row.occurrence} ({row.number!r})"
        if not row.claim_id and not row.reason:
            out.append(f"{where}: neither a claim nor a reason")
        elif row.claim_id and row.reason:
            out.append(f"{where}: both a claim ({row.claim_id}) and a reason")
        elif row.claim_id and row.claim_id not in claim_ids:
            out.append(f"{where}: claim {row.claim_id} is not in the ledger")
    return out
