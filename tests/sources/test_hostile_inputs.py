"""Bad raw input gets a clear error naming the file key, the column and the rule — never a deep
pandas traceback. The hash check (tests/sources/test_sources.py) stops altered files first; these tests
feed altered temporary copies straight to the loaders, as if a new release of a file were declared."""

import shutil

import pytest

from companion import sources
from companion.sources import kazstat
from companion.sources.validate import SchemaError

KEY = "kazstat_sdg_17_8_1"


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


# Every loader module: a broken file (empty, wrong encoding, not a workbook, renamed column) fails
# with a SchemaError naming its data key, never a bare pandas or zipfile traceback.
LOADERS = [
    ("worldbank", "internet_share", (), "worldbank_internet_share"),
    ("worldbank", "population", ("2023-03-30",), "worldbank_population_2023"),
    ("owid", "internet_share", (), "owid_internet_share_2021"),
    ("egov", "edition", (2020,), "egov_2020"),
    ("freedomhouse", "scores", (), "freedomhouse_scores_2003_2024"),
    ("ons", "sdg_internet_share", (), "ons_sdg_17_8_1"),
    ("ons", "regional_share", (), "ons_internet_users_2020"),
]


def _broken(variant: str, original: bytes) -> bytes:
    """A broken variant of a raw file. Workbooks (zip files) have no encoding or header line to
    break: for them the two variants are a cut-off file (100 bytes, or half of it)."""
    workbook = original.startswith(b"PK")
    if variant == "empty":
        return b""
    if variant == "utf-16":
        return original[:100] if workbook else original.decode("utf-8-sig").encode("utf-16")
    if variant == "header":  # commas become semicolons in the first lines: the columns are gone
        return original[: len(original) // 2] if workbook else original.replace(b",", b";", 40)
    raise ValueError(variant)


@pytest.mark.parametrize("variant", ["empty", "utf-16", "header"])
@pytest.mark.parametrize("module_name, function, args, key", LOADERS, ids=lambda v: v if isinstance(v, str) else None)
def test_every_loader_names_its_key_on_a_broken_file(monkeypatch, tmp_path, module_name, function, args, key, variant):
    import importlib

    module = importlib.import_module(f"companion.sources.{module_name}")
    if not hasattr(module, function):
        pytest.fail(f"companion.sources.{module_name} has no {function}()")
    original = sources.fetch(key)
    copy = tmp_path / original.name
    copy.write_bytes(_broken(variant, original.read_bytes()))
    real_fetch = module.fetch
    monkeypatch.setattr(module, "fetch", lambda k: copy if k == key else real_fetch(k))
    for cached in (getattr(module, name) for name in dir(module)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    with pytest.raises(SchemaError) as err:
        getattr(module, function)(*args)
    assert key in str(err.value)
