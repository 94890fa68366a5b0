"""The README is the replication package's front page: it must show the two commands, every data
source and every exhibit of the book."""

from conftest import ROOT

from companion import exhibits, sources

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_in_order():
    assert README.index("make book") < README.index("make test")


def test_every_source_is_listed_with_its_url():
    for src in sources.sources().values():
        assert f"`{src.key}`" in README, src.key
        assert src.url in README, src.key


def test_every_exhibit_is_listed():
    for row in exhibits.exhibits().itertuples():
        assert row.exhibit in README, f"README does not list {row.exhibit} ({row.notebook})"
        assert row.notebook in README, row.notebook
