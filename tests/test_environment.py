"""The computing-environment record (companion.environment) and what a failing run is told."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from conftest import ROOT

from companion import environment


@pytest.fixture(scope="module")
def now():
    return environment.current()


def test_the_description_names_what_can_change_a_float(now):
    assert now["python"]["version"].count(".") == 2
    assert now["blas"], "threadpoolctl found no BLAS library"
    assert all(lib.get("architecture") for lib in now["blas"] if lib.get("internal_api") == "openblas")
    assert now["numpy_simd"]["baseline"]
    assert now["cpu"]["model"]
    assert now["pinned_packages"]["numpy"]["installed"] == now["pinned_packages"]["numpy"]["pinned"]


def test_the_record_is_not_older_than_the_pins():
    """The record lists the pins of requirements.txt as they were when the outputs were made: a pin
    changed since then means the stored outputs were not made with the pinned versions."""
    record = environment.read_record()
    pinned = {name: entry["pinned"] for name, entry in record["pinned_packages"].items()}
    assert pinned == environment.pinned_packages(), (
        "requirements.txt changed since the stored outputs were made: re-run `make execute`"
    )
    mismatched = {
        name: entry for name, entry in record["pinned_packages"].items() if entry["installed"] != entry["pinned"]
    }
    assert not mismatched, f"the record was written with other versions than the pinned ones: {mismatched}"


def test_differences_put_what_changes_numbers_first(now):
    other = copy.deepcopy(now)
    other["blas"][0]["architecture"] = "Prescott"
    other["steering_variables"]["OPENBLAS_CORETYPE"] = "Prescott"
    other["os"]["release"] = "0.0-other"
    found = environment.differences(record=now, now=other)
    assert len(found) == 3, found
    assert found[0].startswith("blas[") and "architecture" in found[0] and "this run Prescott" in found[0]
    assert found[1].startswith("steering_variables.OPENBLAS_CORETYPE: record (absent), this run Prescott")
    assert found[2].startswith("os.release")
    assert environment.differences(record=now, now=copy.deepcopy(now)) == []


def test_a_package_added_beside_the_book_is_no_difference(now):
    other = copy.deepcopy(now)
    other["other_packages"]["some-linter"] = "1.0"
    assert environment.differences(record=now, now=other) == []
    other["other_packages"][next(iter(now["other_packages"]))] = "0.0.0-other"
    assert len(environment.differences(record=now, now=other)) == 1


def test_the_command_compares_this_machine_with_the_record():
    result = subprocess.run(
        [sys.executable, "-m", "companion", "environment"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"OPENBLAS_CORETYPE": "Prescott", "PATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "blas[openblas" in result.stdout
    assert "steering_variables.OPENBLAS_CORETYPE: record (absent), this run Prescott" in result.stdout


def test_a_failing_notebook_cell_reports_the_environment(tmp_path):
    """nbval on a copy of a notebook whose stored output was changed: the failure report carries the
    'computing environment' section of tests/conftest.py."""
    import json

    source = ROOT / "chapters" / "participation-uk-kz" / "01_table1a_kz_regions.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = "a changed stored output\n"
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / source.name).write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(folder / source.name),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert "computing environment" in result.stdout, result.stdout[-3000:]
    assert "record of the stored outputs" in result.stdout or "differs from the one" in result.stdout
