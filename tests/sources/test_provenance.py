"""data/provenance.yaml: the full provenance of every raw file, in the repository (issue 19)."""

import html

import pytest
from conftest import stored_outputs

from companion import sources
from companion.sources import provenance


def test_every_declared_source_has_complete_provenance():
    for key in sources.sources():
        entry = provenance.of(key)  # raises naming the key and what is missing
        assert entry["checked"], key


def test_every_entry_is_complete_including_files_not_declared_yet():
    problems = [p for path, entry in provenance.entries().items() for p in provenance.problems(entry, path)]
    assert not problems, "\n".join(problems)


def test_the_pinned_url_is_the_copy_the_provenance_names():
    for key, src in sources.sources().items():
        copy = provenance.of(key)["copy"]
        expected = f"https://raw.githubusercontent.com/{copy['repository']}/{copy['pinned_commit']}/"
        assert src.url.startswith(expected), (key, src.url, expected)
        assert src.url.endswith(copy["path"].replace(" ", "%20")), (key, src.url, copy["path"])


def test_modified_files_say_how_they_differ():
    for key, src in sources.sources().items():
        if src.modified:
            assert "MODIFIED" in provenance.of(key)["differences"], key


def test_provenance_is_ready_for_the_itu_and_ti_mirror_folders():
    """The ITU aggregates and the TI CPI 2020 workbook (issue 20 declares them in data/sources.yaml)."""
    folders = {path.split("/")[0] for path in provenance.entries()}
    assert {"itu_aggregates", "ti_cpi"} <= folders


def test_a_missing_entry_fails_naming_the_key_and_the_file(monkeypatch):
    key = "kazstat_sdg_17_8_1"
    monkeypatch.setattr(provenance, "entries", lambda: {})
    with pytest.raises(provenance.ProvenanceError, match=rf"{key}.*indicator_17-8-1.csv.*data/provenance.yaml"):
        provenance.of(key)


def test_an_incomplete_entry_names_what_is_missing():
    entry = {**provenance.entries()["kz_internet_users/indicator_17-8-1.csv"], "checked": []}
    entry["copy"] = {k: v for k, v in entry["copy"].items() if k != "commit"}
    found = provenance.problems(entry, "x")
    assert found == ["x: no 'checked'", "x: no 'copy.commit'"]


def test_the_data_page_shows_every_files_provenance():
    shown = stored_outputs("about/data.ipynb")
    for key in sources.sources():
        entry = provenance.of(key)
        assert key in shown and entry["copy"]["commit"] in shown and entry["copy"]["repository"] in shown, key
        url = sources.source(key).url
        assert url in shown or html.escape(url) in shown, f"the data page does not give the URL of {key}"
