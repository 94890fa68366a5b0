"""The data layer: fetch by key from a mirror or the cache, and fail clearly on a bad file."""

import shutil

import pytest

from companion import sources
from companion.sources import DataFileError

KEY = "kazstat_ref_area_en"  # a small real file


def make_mirror(tmp_path):
    """A temporary mirror holding a verified copy of one real file (from the real mirror, the cache
    or its pinned URL): tests may break the copy, never the original."""
    src = sources.source(KEY)
    mirror = tmp_path / "mirror"
    (mirror / src.path).parent.mkdir(parents=True)
    shutil.copyfile(sources.fetch(KEY), mirror / src.path)
    return mirror, mirror / src.path


@pytest.fixture
def mirror(monkeypatch, tmp_path):
    mirror, copy = make_mirror(tmp_path)
    monkeypatch.setenv(sources.MIRROR_ENV, str(mirror))
    monkeypatch.setenv(sources.CACHE_ENV, str(tmp_path / "cache"))
    return copy


def test_every_declared_source_is_complete():
    for key, src in sources.sources().items():
        assert len(src.sha256) == 64 and int(src.sha256, 16) >= 0, key
        assert src.url.startswith("https://") and src.publisher and src.licence and src.version, key


def test_fetch_from_mirror_verifies_and_caches(mirror, tmp_path):
    path = sources.fetch(KEY)
    assert path.is_relative_to(tmp_path / "cache")
    assert sources.sha256_of(path) == sources.source(KEY).sha256
    mirror.unlink()  # once cached, the file no longer needs the mirror
    assert sources.fetch(KEY) == path


def test_missing_file_names_key_path_hashes_and_fix(mirror):
    mirror.unlink()
    with pytest.raises(DataFileError) as err:
        sources.fetch(KEY)
    text = str(err.value)
    assert KEY in text and sources.source(KEY).path in text
    assert sources.source(KEY).sha256 in text and "missing" in text and "Restore" in text


def test_truncated_file_fails_with_both_hashes(mirror):
    data = mirror.read_bytes()
    mirror.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError) as err:
        sources.fetch(KEY)
    text = str(err.value)
    assert sources.source(KEY).sha256 in text
    assert sources.sha256_of(mirror) in text and "truncated" in text


def test_altered_file_fails_with_both_hashes(mirror):
    data = bytearray(mirror.read_bytes())
    data[10] ^= 1  # same size, one bit changed
    mirror.write_bytes(bytes(data))
    with pytest.raises(DataFileError) as err:
        sources.fetch(KEY)
    text = str(err.value)
    assert sources.source(KEY).sha256 in text and sources.sha256_of(mirror) in text
    assert "truncated" not in text


def test_altered_cache_copy_is_replaced_from_the_mirror(mirror):
    path = sources.fetch(KEY)
    path.write_bytes(b"tampered")
    again = sources.fetch(KEY)
    assert sources.sha256_of(again) == sources.source(KEY).sha256


def test_no_mirror_and_no_network_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.delenv(sources.MIRROR_ENV, raising=False)
    monkeypatch.setenv(sources.CACHE_ENV, str(tmp_path / "cache"))
    src = sources.source(KEY)
    monkeypatch.setattr(
        sources, "_declared", lambda: {KEY: src.__class__(**{**src.__dict__, "url": "https://127.0.0.1:9/none"})}
    )
    with pytest.raises(DataFileError) as err:
        sources.fetch(KEY)
    assert KEY in str(err.value) and sources.MIRROR_ENV in str(err.value)


def test_require_rejects_a_stale_pin(mirror):
    with pytest.raises(DataFileError) as err:
        sources.require(**{KEY: "0" * 64})
    assert "python -m companion pins" in str(err.value)


def test_unknown_key_lists_known_keys():
    with pytest.raises(KeyError, match="kazstat_sdg_17_8_1"):
        sources.source("no_such_key")
