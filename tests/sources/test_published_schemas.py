"""Every transcription under data/published/ and data/mappings/ is checked against its schema when it is
read: a broken file ends in one ``error:`` line naming the file, the line and the column, exit status 2,
never a traceback nor a wrong verdict. The faults are written into scratch copies of the folders (the
real files are untouched) that companion.sources.published reads instead."""

import shutil
import subprocess
import sys

import pytest

from companion import __main__ as cli
from companion.ledger import exhibits, numbers
from companion.sources import ROOT, kazstat, published, published_schemas
from companion.sources.validate import SchemaError

FOLDERS = {"published": "PUBLISHED", "mappings": "MAPPINGS"}


@pytest.fixture
def scratch(monkeypatch, tmp_path):
    """Copies of data/published and data/mappings that the package reads instead of the real ones;
    ``scratch(file, old, new)`` replaces the first ``old`` in the copy of ``file`` (e.g.
    ``"published/ledger_claims.csv"``) by ``new``, and returns the copy's path."""
    for folder, constant in FOLDERS.items():
        shutil.copytree(ROOT / "data" / folder, tmp_path / folder)
        monkeypatch.setattr(published, constant, tmp_path / folder)
    monkeypatch.setattr(numbers, "INDEX", tmp_path / "published" / "numbers_index.csv")
    monkeypatch.setattr(exhibits, "NAMES_FILE", tmp_path / "mappings" / "exhibits_names.csv")

    def edit(file: str, old: str, new: str, count: int = 1):
        path = tmp_path / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return path

    return edit


def run_claims(capsys) -> str:
    """``python -m companion claims`` in this process (so that it reads the scratch copies): exit status 2
    and exactly one ``error:`` line on stderr, no traceback; returns that line."""
    status = cli.main(["claims"])
    captured = capsys.readouterr()
    assert status == 2, captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def error_of(load) -> str:
    with pytest.raises(SchemaError) as err:
        load()
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_real_files_pass_their_schemas():
    for relative in published_schemas.SCHEMAS:
        assert len(published._read(ROOT / "data" / relative)) > 0
    assert {n["id"] for n in published.document("article002_figure1")["nodes"]} >= {"digital", "institutions"}


def test_every_file_has_a_schema():
    """A new CSV or YAML file under data/published or data/mappings fails here until it has a schema."""
    files = {
        f"{path.parent.name}/{path.name}"
        for folder in FOLDERS
        for path in (ROOT / "data" / folder).iterdir()
        if path.suffix in (".csv", ".yaml", ".yml")
    }
    declared = set(published_schemas.SCHEMAS) | set(published_schemas.YAML_FILES)
    assert files, "no transcriptions found"
    assert files <= declared, (
        f"no schema for {sorted(files - declared)} (add one to companion/sources/published_schemas.py)"
    )
    assert declared <= files, f"schemas for files that do not exist: {sorted(declared - files)}"


def test_a_file_without_schema_is_refused(tmp_path):
    path = tmp_path / "published" / "new_table.csv"
    path.parent.mkdir()
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "no schema declared" in error_of(lambda: published._read(path))


# ---- the faults of issue 28, item 4, one test each ----------------------------------------------------


def test_letter_in_a_published_number(scratch, capsys):
    # before: exit 0 and the verdict "differs" (88.2x compared as text)
    scratch(
        "published/ledger_claims.csv",
        "88.2%,Share of Internet users across Kazakhstan in the latest year (2020),88.2,",
        "88.2%,Share of Internet users across Kazakhstan in the latest year (2020),88.2x,",
    )
    line = run_claims(capsys)
    assert "data/published/ledger_claims.csv" in line
    assert "'published'" in line and "'88.2x'" in line and "line 2" in line


def test_duplicated_claim(scratch, capsys):
    # before: two ledger rows with one claim id
    path = scratch("published/ledger_claims.csv", "", "")
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(rows[:3] + rows[2:3] + rows[3:]), encoding="utf-8")
    line = run_claims(capsys)
    assert "data/published/ledger_claims.csv" in line
    assert "'claim_id'" in line and "one row per key" in line
    assert "000-kz-increase-2020" in line and "lines 3, 4" in line


def test_dropped_tolerance_column(scratch, capsys):
    # before: AttributeError traceback (claim.tolerance)
    path = scratch("published/ledger_claims.csv", "", "")
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(row.rsplit(",", 1)[0] for row in rows) + "\n", encoding="utf-8")
    line = run_claims(capsys)
    assert "data/published/ledger_claims.csv" in line
    assert "'tolerance'" in line and "required column" in line


def test_letter_in_a_printed_cell(scratch, capsys):
    # before: ValueError "could not convert string to float" naming no file
    scratch("published/article000_table1a_kz_regions.csv", ",2018,81.3\n", ",2018,81.3a\n")
    message = error_of(kazstat.table1a)
    assert "data/published/article000_table1a_kz_regions.csv" in message
    assert "'value'" in message and "'81.3a'" in message and "line 2" in message
    assert "article000_table1a_kz_regions.csv" in run_claims(capsys)


def test_duplicated_printed_cell(scratch, capsys):
    # before: pandas MergeError from the 1:1 merge with the recomputed cells
    scratch(
        "published/article000_table1b_uk_regions.csv",
        "\n",
        '\n000,1b,"Table 1 b), p. 107",106,1,"The whole country",2018,89.8\n',
    )
    line = run_claims(capsys)
    assert "data/published/article000_table1b_uk_regions.csv" in line
    assert "'area_printed+year'" in line and "one row per key" in line and "lines 2, 3" in line


def test_dropped_year_column(scratch, capsys):
    # before: KeyError 'year'
    path = scratch("published/article000_table1a_kz_regions.csv", "", "")
    rows = [row.split(",") for row in path.read_text(encoding="utf-8").splitlines()]
    assert rows[0][-2] == "year"
    path.write_text("\n".join(",".join(row[:-2] + row[-1:]) for row in rows) + "\n", encoding="utf-8")
    line = run_claims(capsys)
    assert "data/published/article000_table1a_kz_regions.csv" in line
    assert "'year'" in line and "required column" in line


# ---- the other rules ------------------------------------------------------------------------------------


def test_number_without_tolerance_and_word_with_one(scratch):
    scratch("published/ledger_claims.csv", ",88.2,%,0.05\n", ",88.2,%,\n")
    message = error_of(published.claims)
    assert "'published'" in message and "tolerance" in message and "'88.2'" in message


def test_implausible_year(scratch):
    scratch("published/article000_table1a_kz_regions.csv", ",2019,84.2", ",1019,84.2")
    message = error_of(lambda: published.table("article000_table1a_kz_regions"))
    assert "'year'" in message and "[2000, 2030]" in message and "line 3" in message


@pytest.mark.parametrize(
    "file, old, new, read, column, value",
    [
        ("published/numbers_index.csv", ",year,", ",yaer,", lambda: numbers.read_index(), "kind", "yaer"),
        (
            "mappings/ledger_discrepancy_types.csv",
            "typo or slip in the article",
            "typo",
            lambda: published.mapping("ledger_discrepancy_types"),
            "type",
            "typo",
        ),
        (
            "mappings/exhibits_names.csv",
            "article000_table1a_kz_regions,000,",
            "article000_table1a_kz_regions,009,",
            lambda: exhibits.article_names(),
            "article",
            "009",
        ),
    ],
    ids=["kind-in-number-index", "discrepancy-type", "article-in-exhibit-names"],
)
def test_unknown_value_of_a_known_set(scratch, file, old, new, read, column, value):
    scratch(file, old, new)
    message = error_of(read)
    assert f"data/{file}" in message and f"'{column}'" in message and f"'{value}'" in message


def test_duplicated_area_mapping(scratch):
    scratch(
        "mappings/kazstat_table1a_areas.csv", "Akmola region,KZAKM,\n", "Akmola region,KZAKM,\nAkmola region,KZAKM,\n"
    )
    message = error_of(kazstat.table1a)
    assert "data/mappings/kazstat_table1a_areas.csv" in message and "'area_printed'" in message


def test_figure_arrow_to_unknown_box(scratch):
    scratch("published/article002_figure1.yaml", "to: communication", "to: comunication")
    message = error_of(lambda: published.document("article002_figure1"))
    assert "data/published/article002_figure1.yaml edges" in message
    assert "'to'" in message and "'comunication'" in message and "item 1" in message


def test_figure_unknown_role(scratch):
    scratch("published/article002_figure1.yaml", "role: driver", "role: drivr")
    message = error_of(lambda: published.document("article002_figure1"))
    assert "nodes" in message and "'role'" in message and "'drivr'" in message and "item 1" in message


def test_execute_reports_a_schema_error_in_one_line(scratch, tmp_path):
    """A notebook that reads a broken transcription: `python -m companion execute` prints the file's error
    line, not the cell's traceback, exits with status 2 and leaves the notebook as it was."""
    import nbformat

    scratch("published/ledger_claims.csv", ",88.2,%,0.05\n", ",88.2x,%,0.05\n")
    notebook = tmp_path / "broken.ipynb"
    source = (
        "from pathlib import Path\n"
        "from companion.sources import published\n"
        f"published.PUBLISHED = Path({str(tmp_path / 'published')!r})\n"
        "published.claims()"
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), notebook)
    before = notebook.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "companion", "execute", str(notebook)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {notebook}: data file 'data/published/ledger_claims.csv': column 'published'")
    assert "'88.2x' in line 2" in errors[0]
    assert "Traceback" not in result.stderr
    assert notebook.read_bytes() == before


def test_prerun_reports_a_schema_error_in_one_line(scratch, tmp_path):
    """`make book` first runs `python -m companion prerun`: a notebook that meets a broken transcription is
    reported by the file's error line (not the cell's traceback) and is not cached."""
    import nbformat

    scratch("published/ledger_claims.csv", ",88.2,%,0.05\n", ",88.2x,%,0.05\n")
    notebook = tmp_path / "broken.ipynb"
    source = (
        "from pathlib import Path\n"
        "from companion.sources import published\n"
        f"published.PUBLISHED = Path({str(tmp_path / 'published')!r})\n"
        "published.claims()"
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), notebook)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "prerun",
            "--cache",
            str(tmp_path / "cache"),
            "--workers",
            "1",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in result.stderr.splitlines() if "error: " in line]
    assert len(errors) == 1 and errors[0].startswith("error: "), result.stderr
    assert errors[0].startswith(f"error: {notebook}: data file 'data/published/ledger_claims.csv': column 'published'")
    assert errors[0].endswith("its page is not published") and result.returncode == 2
    assert "'88.2x' in line 2" in errors[0]
    assert "Traceback" not in result.stderr and "excepted: 1" in result.stderr
