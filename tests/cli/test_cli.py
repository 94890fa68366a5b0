"""The command line fails cleanly: every expected failure is one ``error:`` line and a non-zero exit
(no traceback), a closed pipe is not an error, and every command's ``--help`` says what it does."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from companion.__main__ import COMMANDS


def companion(*args: str, cwd=ROOT, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "companion", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_unknown_data_key():
    line = one_error_line(companion("pins", "nosuch"))
    assert "unknown data key 'nosuch'" in line and "kazstat_sdg_17_8_1" in line


def test_missing_notebook():
    assert "notebook nosuch.ipynb does not exist" in one_error_line(companion("execute", "nosuch.ipynb"))
    assert "does not exist" in one_error_line(companion("prerun", "--cache", "/nonexistent", "nosuch.ipynb"))


def test_not_a_notebook():
    assert "is not a notebook" in one_error_line(companion("execute", "README.md"))


def test_bad_mirror(tmp_path):
    import os

    env = dict(
        os.environ, COMPANION_DATA_MIRROR=str(tmp_path / "no-mirror"), COMPANION_DATA_CACHE=str(tmp_path / "cache")
    )
    line = one_error_line(companion("fetch", env=env))
    assert "the mirror folder" in line and "does not exist" in line


def test_empty_mirror_names_the_missing_file(tmp_path):
    import os

    (tmp_path / "mirror").mkdir()
    env = dict(os.environ, COMPANION_DATA_MIRROR=str(tmp_path / "mirror"), COMPANION_DATA_CACHE=str(tmp_path / "cache"))
    line = one_error_line(companion("fetch", env=env))
    assert "is missing from the mirror" in line and "expected sha256" in line


def test_closed_pipe_is_not_an_error():
    """``python -m companion claims | head -1``: the reader stops after one line. The pipe holds 4 KiB
    (the CSV is larger), so the command is still writing when the reader goes away."""
    import fcntl
    import os

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    with subprocess.Popen(
        [sys.executable, "-m", "companion", "claims"], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE
    ) as process:
        os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            first = reader.readline()
        stderr = process.stderr.read().decode()
        status = process.wait(timeout=300)
    assert first.startswith(b"claim_id,")
    assert status == 0 and stderr == "", stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_help_says_what_it_does(command):
    result = companion(command, "--help")
    assert result.returncode == 0
    assert COMMANDS[command].description.split()[0] in result.stdout
    assert len(result.stdout.split("\n\n")[1].split()) >= 10, result.stdout  # a sentence, not a usage line


def test_top_level_help_lists_every_command():
    result = companion("--help")
    assert result.returncode == 0
    for command, spec in COMMANDS.items():
        assert command in result.stdout and spec.summary in result.stdout


@pytest.mark.parametrize("command", ["claims", "exhibits", "articles", "environment"])
def test_an_ascii_terminal_gets_the_whole_listing_in_utf8(command):
    """Under ``PYTHONUTF8=0 LC_ALL=C`` (an ASCII locale) a listing with names and quotes that are not
    ASCII is written whole, in UTF-8, as under a UTF-8 locale -- never cut off by an encoding error."""
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING"))}

    def under(locale: str, utf8_mode: str) -> subprocess.CompletedProcess:
        env = {**base, "LC_ALL": locale, "PYTHONUTF8": utf8_mode}
        return subprocess.run(
            [sys.executable, "-m", "companion", command], cwd=ROOT, env=env, capture_output=True, timeout=300
        )

    utf8, ascii_ = under("C.UTF-8", "1"), under("C", "0")
    assert ascii_.returncode == 0 and b"Traceback" not in ascii_.stderr, ascii_.stderr.decode()
    assert utf8.returncode == 0, utf8.stderr.decode()
    if command == "claims":  # the listing holds text that is not ASCII: the test means something
        assert any(b > 127 for b in utf8.stdout)
    assert ascii_.stdout.decode("utf-8") == utf8.stdout.decode("utf-8")
