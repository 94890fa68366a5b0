import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mirror_env(monkeypatch, tmp_path):
    """A private cache (and nothing else changed): tests never write into data/raw or the mirror."""
    monkeypatch.setenv("COMPANION_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path


def real_mirror() -> Path:
    value = os.environ.get("COMPANION_DATA_MIRROR")
    if not value:
        pytest.skip("COMPANION_DATA_MIRROR is not set (make test sets it in .ci/run)")
    return Path(value)
