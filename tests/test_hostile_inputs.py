"""Bad raw input gets a clear error naming the file key, the column and the rule — never a deep
pandas traceback. The hash check (tests/test_sources.py) stops altered files first; these tests
feed altered temporary copies straight to the loaders, as if a new release of a file were declared."""

import shutil

import pytest

from companion import kazstat, sources
from companion.validate import SchemaError

KEY = "kz_sdg_17_8_1"


@pytest.fixture
def hostile(monkeypatch, tmp_path):
    """Write a variant of the real KZ file and make the loader read it instead of the verified file."""
    original = sources.fetch(KEY)
    copy = tmp_path / "indicator_17-8-1.csv"
    shutil.copyfile(original, copy)
    real_fetch = kazstat.fetch
    monkeypatch.setattr(kazstat, "fetch", lambda key: copy if key == KEY else real_fetch(key))

    def write(transform=None, data: bytes | None = None):
        if data is None:
            data = transform(original.read_text(encoding="utf-8")).encode("utf-8")
        copy.write_bytes(data)
    return write


def error_of(write, **kwargs) -> str:
    write(**kwargs)
    with pytest.raises(SchemaError) as err:
        kazstat.internet_share()
    assert KEY in str(err.value)
    return str(err.value)


def test_real_file_loads():
    frame = kazstat.internet_share()
    assert frame["year"].min() == 2011 and frame["year"].max() == 2023
    assert frame.query("area_code == 'KZ' and year == 2020")["share"].item() == 88.2


def test_renamed_column(hostile):
    text = error_of(hostile, transform=lambda t: t.replace(",Value", ",Val", 1))
    assert "'Value'" in text and "required column" in text


def test_non_numeric_cell(hostile):
    text = error_of(hostile, transform=lambda t: t.replace("2011,PT,,,,50.6", "2011,PT,,,,fifty", 1))
    assert "'Value'" in text and "float" in text and "'fifty'" in text


def test_duplicated_year(hostile):
    text = error_of(hostile, transform=lambda t: t + "2020,PT,,,,88.2\n")
    assert "year+area_code" in text and "one row per key" in text


def test_share_out_of_range(hostile):
    text = error_of(hostile, transform=lambda t: t.replace("2011,PT,,,,50.6", "2011,PT,,,,506", 1))
    assert "'share'" in text and "[0, 100]" in text


def test_empty_file(hostile):
    assert "empty" in error_of(hostile, data=b"")


def test_wrong_encoding(hostile, tmp_path):
    text = error_of(hostile, data=kazstat_text().encode("utf-16"))
    assert "encoding" in text


def test_truncated_mid_line(hostile):
    text = error_of(hostile, transform=lambda t: t[: t.index("2012,PT")] + "2012,P")
    assert "'share'" in text and "no missing values" in text


def test_trailing_space_in_region_code_is_handled(hostile):
    hostile(transform=lambda t: t.replace(",KZAKM,", ",KZAKM ,"))
    frame = kazstat.internet_share()
    assert "KZAKM" in set(frame["area_code"]) and "KZAKM " not in set(frame["area_code"])


def kazstat_text() -> str:
    return sources.fetch(KEY).read_text(encoding="utf-8")
