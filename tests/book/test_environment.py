"""The computing-environment record (companion.book.environment) and what a failing run is told."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from conftest import ROOT, nbval

from companion.book import environment


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


def _another_kernel(name: str | None) -> str:
    """A BLAS kernel name that differs from ``name`` (whatever this machine sets)."""
    return "Prescott" if name != "Prescott" else "Sandybridge"


def test_differences_put_what_changes_numbers_first(now):
    """The expectation is built from this machine (which may set OPENBLAS_CORETYPE itself)."""
    other = copy.deepcopy(now)
    here = now["steering_variables"].get("OPENBLAS_CORETYPE")
    kernel = _another_kernel(here)
    other["blas"][0]["architecture"] = kernel
    other["steering_variables"]["OPENBLAS_CORETYPE"] = kernel
    other["os"]["release"] = "0.0-other"
    found = environment.differences(record=now, now=other)
    assert len(found) == 3, found
    assert found[0].startswith("blas[") and "architecture" in found[0] and f"this run {kernel}" in found[0]
    expected = f"steering_variables.OPENBLAS_CORETYPE: record {here or '(absent)'}, this run {kernel}"
    assert found[1].startswith(expected), found[1]
    assert found[2].startswith("os.release")
    assert environment.differences(record=now, now=copy.deepcopy(now)) == []


def test_a_package_added_beside_the_book_is_no_difference(now):
    other = copy.deepcopy(now)
    other["other_packages"]["some-linter"] = "1.0"
    assert environment.differences(record=now, now=other) == []
    other["other_packages"][next(iter(now["other_packages"]))] = "0.0.0-other"
    assert len(environment.differences(record=now, now=other)) == 1


def test_the_command_compares_this_machine_with_the_record():
    """Whatever the record says (it may come from a machine that sets OPENBLAS_CORETYPE), a run with
    another kernel is told the difference."""
    recorded = environment.read_record()["steering_variables"].get("OPENBLAS_CORETYPE")
    kernel = _another_kernel(recorded)
    result = subprocess.run(
        [sys.executable, "-m", "companion", "environment"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"OPENBLAS_CORETYPE": kernel, "PATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "blas[openblas" in result.stdout
    expected = f"steering_variables.OPENBLAS_CORETYPE: record {recorded or '(absent)'}, this run {kernel}"
    assert expected in result.stdout


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
    result = nbval(folder / source.name, rootdir=tmp_path, timeout=300)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "computing environment" in result.stdout, result.stdout[-3000:]
    assert "record of the stored outputs" in result.stdout or "differs from the one" in result.stdout


def test_only_the_explicit_target_writes_the_record():
    """`make execute` (even for a notebook that does not exist) never rewrites the tracked record;
    `make environment-record` does, when asked. Checked with make's dry run: nothing is executed."""

    def commands(*goal):
        result = subprocess.run(
            ["make", "-n", "-s", *goal], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
        )
        return result.stdout

    for goal in (["execute"], ["execute", "NB=chapters/nope.ipynb"], ["book"], ["test"]):
        assert "environment --write" not in commands(*goal), goal
    assert "environment --write" in commands("environment-record")
