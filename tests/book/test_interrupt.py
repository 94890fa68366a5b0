"""One Ctrl-C stops the book's long commands within seconds, leaves no process behind and no half
result, and the next run recovers with the same outputs (issue 15).

Each command starts in a session of its own, as from a terminal; Ctrl-C is SIGINT to its whole process
group. Every process it starts (workers, kernels: these run in sessions of their own) inherits a tag
in its environment, so that any leftover is found, wherever it was reparented."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from test_determinism import code_outputs, differences

pytestmark = pytest.mark.xdist_group("interrupt")

NOTEBOOKS = [
    ROOT / "chapters" / "participation-uk-kz" / "03_text_claims.ipynb",
    ROOT / "chapters" / "institutions-egov" / "01_egdi_ranks.ipynb",
    ROOT / "chapters" / "electronic-involvement" / "02_world_regions_2017.ipynb",
]
STOP_WITHIN = 5  # seconds from Ctrl-C to exit (issue 28.8; measured: under 1 s, about 2 s for pytest-xdist)


def _tagged(tag: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"COMPANION_TEST_TAG={tag}".encode() in (entry / "environ").read_bytes():
                    found.append(
                        f"{entry.name}: " + (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
                    )
            except OSError:
                pass
    return found


SLEEP_ENV = "COMPANION_TEST_SLEEP"


def _sleeping_notebook(folder: Path) -> Path:
    """A notebook that imports the package, then sleeps ``$COMPANION_TEST_SLEEP`` seconds: a run that
    is surely under way when Ctrl-C comes (the book's notebooks take a second or two each)."""
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    nb.cells = [
        nbformat.v4.new_code_cell("import os, time\nfrom companion import sources"),
        nbformat.v4.new_code_cell(f"time.sleep(float(os.environ.get({SLEEP_ENV!r}, '0')))\nprint('awake')"),
    ]
    path = folder / "sleeping.ipynb"
    nbformat.write(nb, path)
    return path


def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it: the test runner's worker may ignore SIGINT, and an ignored
    signal stays ignored in the commands it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt_when_kernels_run(command: list[str], cwd: Path = ROOT) -> tuple[int, str]:
    """Start ``command``, press Ctrl-C once a notebook kernel runs, return its exit status and stderr;
    fail if it does not stop in time or leaves a process."""
    tag = uuid.uuid4().hex
    env = dict(os.environ, COMPANION_TEST_TAG=tag, **{SLEEP_ENV: "120"})
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any("ipykernel" in p for p in _tagged(tag)):
        assert process.poll() is None, f"{command} ended before any kernel started: {process.stderr.read()}"
        assert time.monotonic() < deadline, f"no kernel started within 120 s: {command}"
        time.sleep(0.1)
    time.sleep(2.0)  # the kernels are running cells (the sleeping notebook's for two minutes)
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{command} did not stop within {STOP_WITHIN} s of Ctrl-C; left: {_tagged(tag)}")
    left = _tagged(tag)
    for _ in range(20):  # an orphaned kernel notices its parent's end within a second or two
        if not left:
            break
        time.sleep(0.25)
        left = _tagged(tag)
    assert not left, f"processes left after Ctrl-C of {command}:\n" + "\n".join(left)
    return process.returncode, stderr


def test_prerun_stops_on_ctrl_c_and_the_next_run_recovers(tmp_path):
    cache = tmp_path / "jupyter_cache"
    notebooks = [_sleeping_notebook(tmp_path), *NOTEBOOKS]
    command = [
        sys.executable,
        "-m",
        "companion",
        "prerun",
        "--cache",
        str(cache),
        "--workers",
        "2",
        *map(str, notebooks),
    ]
    status, stderr = _interrupt_when_kernels_run(command)
    assert status == 130, stderr
    assert "interrupted" in stderr
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "excepted: 0" in rerun.stderr and "errored: 0" in rerun.stderr, rerun.stderr
    from jupyter_cache import get_cache

    jc = get_cache(str(cache))
    for path in NOTEBOOKS:  # every notebook cached, whole, with the stored outputs
        stored = nbformat.read(path, as_version=4)
        record = jc.match_cache_notebook(stored)
        executed = jc.get_cache_bundle(record.pk).nb
        assert not differences(code_outputs(stored), code_outputs(executed)), path
    jc.match_cache_notebook(nbformat.read(notebooks[0], as_version=4))  # the interrupted one too, now


def test_execute_stops_on_ctrl_c_leaves_the_notebook_whole_and_reruns_the_same(tmp_path):
    sleeping = _sleeping_notebook(tmp_path)
    notebook = tmp_path / NOTEBOOKS[0].name  # a copy: the checkout's notebook is never touched
    shutil.copyfile(NOTEBOOKS[0], notebook)
    before = sleeping.read_bytes()
    command = [sys.executable, "-m", "companion", "execute", str(sleeping), str(notebook)]
    status, stderr = _interrupt_when_kernels_run(command)
    assert status == 130, stderr
    assert sleeping.read_bytes() == before  # interrupted while running: the file as it was
    assert not list(tmp_path.glob(".*.tmp"))
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert nbformat.read(sleeping, as_version=4).cells[1].outputs[0]["text"] == "awake\n"
    assert not differences(
        code_outputs(nbformat.read(NOTEBOOKS[0], as_version=4)), code_outputs(nbformat.read(notebook, as_version=4))
    )


def test_pytest_with_nbval_stops_on_ctrl_c(tmp_path):
    """What ``make test`` runs (pytest-xdist, nbval kernels), here on the sleeping notebook."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        "-q",
        str(_sleeping_notebook(tmp_path)),
    ]
    status, stderr = _interrupt_when_kernels_run(command, cwd=tmp_path)
    assert status != 0
