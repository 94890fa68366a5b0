"""Text from the transcriptions never reaches a page as markup: hostile strings written into scratch
copies of data/published and data/mappings (the fixture of tests/sources/test_published_schemas.py) are either
refused by the file's schema or shown as text in the HTML the package renders (ledger page, verdict
boxes, claims tables, readable tables, the headings of the contradictions page)."""

from html.parser import HTMLParser

import pandas as pd
import pytest
from test_published_schemas import scratch  # noqa: F401  (the fixture: scratch copies the package reads)

from companion import ledger
from companion.book import ledger_page, report
from companion.book.tables import readable
from companion.sources import ROOT, published, published_schemas
from companion.sources.validate import SchemaError

SCRIPT = "<script>alert(1)</script>"
HOSTILE = f'{SCRIPT} "onmouseover=alert(1) x=" &amp; {{glue}}`e000_x` **bold** <b>b</b>'
NOTEBOOK = "chapters/reproducibility/04_contradictions.ipynb"


class _Parsed(HTMLParser):
    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(markup: str) -> None:
    """No element or event attribute came from the hostile text, and the text is there, as text."""
    parsed = _Parsed(markup)
    assert "script" not in parsed.tags and "b" not in parsed.tags, parsed.tags
    assert not [a for a in parsed.attributes if a.startswith("on") or a == "x"], parsed.attributes
    assert SCRIPT in "".join(parsed.text), "the hostile text did not reach the page at all"
    assert "<script" not in markup


def _write(path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def _hostile(frame: pd.DataFrame, columns) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = out[column].where(out[column].isna(), out[column].astype(str) + " " + HOSTILE)
    return out


def test_hostile_claims_are_escaped_on_every_claims_page(scratch, tmp_path):  # noqa: F811
    folder = tmp_path / "published"
    claims = published.claims()
    # (the published words of text claims are compared with recomputed ones: hostile, they would change
    # verdicts; they are shown through the same escaped cells as the printed words)
    claims = _hostile(claims, ["location", "printed", "paraphrase"])
    claims.loc[claims["unit"].ne("year") & claims["unit"].notna(), "unit"] += " " + HOSTILE
    _write(folder / "ledger_claims.csv", claims)
    for name in ("article000_table1a_kz_regions", "article000_table1b_uk_regions"):
        _write(folder / f"{name}.csv", _hostile(published.table(name), ["locator"]))
    _write(
        folder / "ledger_contradictions.csv", _hostile(published.table("ledger_contradictions"), ["group", "statement"])
    )

    frame, evidence = ledger.ledger(), ledger.evidence()
    assert frame["location"].str.contains(SCRIPT, regex=False).all()
    assert_inert(ledger_page.claims_html(frame) + ledger_page.evidence_html(frame, evidence))
    listed = (frame["verdict"] == ledger.DIFFERS) & frame["claim_id"].isin(claims["claim_id"])
    for notebook in frame.loc[listed, "notebook"].unique():  # boxes that list text claims
        assert_inert(report.verdict_box(notebook, frame)._repr_html_())
    shown = frame[["claim_id", "article", "location", "printed", "paraphrase", "published", "unit", "verdict"]]
    assert_inert(report.claims_table(shown, NOTEBOOK, name="hostile")._repr_html_())
    # the contradictions page: one heading per group, then its claims
    pairs = ledger.contradictions()
    for group in pairs["group"].unique():
        assert_inert(report.heading(group)._repr_html_())
    side = pairs.join(frame.set_index("claim_id")[["printed", "verdict"]], on="claim_id")
    assert_inert(report.claims_table(side, NOTEBOOK, name="hostile-contradictions")._repr_html_())


def _text_columns(frame: pd.DataFrame, schema) -> list[str]:
    return [
        c for c, spec in schema.columns.items() if c in frame.columns and str(spec.dtype) in ("str", "string[python]")
    ]


@pytest.mark.parametrize("relative", sorted(published_schemas.SCHEMAS))
def test_every_text_field_is_refused_or_shown_as_text(scratch, tmp_path, relative):  # noqa: F811
    """Each text column of each file in turn: a hostile value in its first row is either refused by the
    schema (ids, kinds, patterns, article ids) or rendered as text by the book's tables."""
    path = ROOT / "data" / relative
    frame = published._read(path)
    schema = published_schemas.SCHEMAS[relative]
    columns = _text_columns(frame, schema)
    assert columns, f"{relative}: no text column found"
    shown = 0
    for column in columns:
        hostile = frame.copy()
        hostile[column] = hostile[column].astype(object)
        hostile.loc[hostile.index[0], column] = HOSTILE
        copy = tmp_path / relative
        _write(copy, hostile)
        try:
            read = published._read(copy)
        except SchemaError as exc:
            assert relative in str(exc) and repr(column) in str(exc)
            continue
        finally:
            _write(copy, frame)
        # (the article column, an id refused unless known, is shown by readable as the authors' label)
        assert_inert(readable(read.drop(columns=["article"], errors="ignore"), name="hostile")._repr_html_())
        shown += 1
    free = {"locator", "note", "why", "statement", "reason", "source", "citation", "measure", "label", "event"}
    if free & set(columns):
        assert shown, f"{relative}: no free-text column reached a table"


@pytest.mark.parametrize("field", ["label", "basis", "role", "id"])
def test_figure_description_is_refused_or_shown_as_text(scratch, tmp_path, field):  # noqa: F811
    path = tmp_path / "published" / "article002_figure1.yaml"
    import yaml

    model = yaml.safe_load(path.read_text(encoding="utf-8"))
    model["nodes"][0][field] = HOSTILE
    path.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
    try:
        read = published.document("article002_figure1")
    except SchemaError as exc:
        assert field in ("role", "id") and repr(field) in str(exc) or "'from'" in str(exc)
        return
    assert field in ("label", "basis")
    nodes = pd.DataFrame(read["nodes"])
    assert_inert(readable(nodes[["id", "label", "role", "basis"]], name="hostile-nodes")._repr_html_())


def test_notebooks_build_no_html_from_unescaped_text():
    """A notebook that writes ``HTML(f"...{value}...")`` escapes every value it puts in (or leaves the
    markup to the package: report.heading, tables.readable, ledger_page)."""
    import re

    import nbformat

    from companion.book.notebooks import all_notebooks

    inline = re.compile(r"HTML\(f(['\"])(.*?)\1\)")
    checked, bare = 0, []
    for path in all_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for match in inline.finditer(cell.source):
                checked += 1
                for placeholder in re.findall(r"\{([^{}]+)\}", match.group(2)):
                    if not re.match(r"(html\.)?escape\(", placeholder):
                        bare.append(f"{path.relative_to(ROOT)}: {{{placeholder}}} in {match.group(0)}")
    assert checked, "no HTML(f...) found: the pattern is out of date"
    assert not bare, "unescaped text in notebook HTML:\n" + "\n".join(bare)
