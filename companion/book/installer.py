"""Set up a virtual environment with pinned requirements: with uv when it can be had, else with pip.

``make`` runs this file with the base interpreter, before any environment exists (standard library
only; nothing of the package is imported)::

    python3 companion/book/installer.py .venv -r requirements.txt

and the tests that build an environment (tests/book/test_fresh_install.py, tests/core/test_paths.py) import
it, so both take the same path:

* **uv** (pinned in ``requirements-bootstrap.txt``): its wheel, which carries the binary, is
  installed by the base interpreter's pip into ``_build/bootstrap`` (``pip install --target``, a
  binary wheel only; once per pin). ``python -m venv`` makes the environment (with this Python's
  own pip and setuptools, as pip's way does) and ``uv pip install`` fills it, bytecode compiled as
  pip does. uv does not read pip's configuration, so :func:`pip_settings` reads
  it (``pip config list``: the configuration files and ``PIP_*`` variables) and passes the same
  indexes, find-links, constraints and certificate to uv, with pip's choice among several indexes
  (the best version from any of them: ``--index-strategy unsafe-best-match``); uv's own
  configuration files are not read (``--no-config``). The environment holds what pip would install,
  and nothing more (not uv itself).
* **pip**, when uv cannot be had (no pip in the base interpreter to fetch it, no wheel for this
  platform, a pip setting uv has no equivalent for, any failure of uv) or ``COMPANION_INSTALLER=pip``:
  one line says why, then ``python -m venv`` and ``pip install``. The pinned versions are the same
  either way.

The environment is made anew each time (an existing one is removed first), so it holds exactly what
the requirements say. Both installers are quiet; on failure the tail of their output is printed and
the exit status is 2.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_REQUIREMENTS = ROOT / "requirements-bootstrap.txt"
BOOTSTRAP_DIR = ROOT / "_build" / "bootstrap"
CHOICE_ENV = "COMPANION_INSTALLER"  # "pip" forces pip; anything else (or unset): uv when it can be had
QUIET_PIP = {"PIP_ROOT_USER_ACTION": "ignore", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)  # this Python outside any virtual environment

# pip settings that do not change what is installed (uv needs nothing for them)
PIP_IGNORED = {
    "disable-pip-version-check",
    "root-user-action",
    "quiet",
    "verbose",
    "no-cache-dir",
    "cache-dir",
    "progress-bar",
    "no-input",
    "retries",
    "require-virtualenv",
    "no-color",
    "no-python-version-warning",
    "break-system-packages",
    "compile",
    "no-compile",
    "exists-action",
    "no-warn-script-location",
    "no-warn-conflicts",
    "log",
    "user",  # meaningless inside a virtual environment
}
# uv's own variables that could make it resolve differently from pip: not passed on
UV_KEPT = ("UV_CACHE_DIR", "UV_NO_CACHE", "UV_LINK_MODE", "UV_CONCURRENT_DOWNLOADS", "UV_CONCURRENT_INSTALLS")


class InstallError(RuntimeError):
    """An installer failed; the message holds the command and the tail of its output."""


class NoUvEquivalent(InstallError):
    """A pip setting that uv cannot be given: pip is used instead."""


def _run(command: list, env: dict | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        env={**os.environ, **QUIET_PIP, **(env or {})},
    )
    if result.returncode:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise InstallError(f"{' '.join(str(c) for c in command[:4])} ... failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def _last_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def _use_pip() -> bool:
    return os.environ.get(CHOICE_ENV, "").strip().lower() == "pip"


def pip_settings(base_python: str = BASE_PYTHON) -> dict[str, str]:
    """pip's effective settings for ``pip install`` (``pip config list``: its configuration files
    and ``PIP_*`` variables; a ``PIP_*`` variable over the ``install`` section over ``global``)."""
    found: dict[str, dict[str, str]] = {}
    for line in _run([base_python, "-m", "pip", "config", "list"]).splitlines():
        name, sep, value = line.partition("=")
        section, dot, key = name.rpartition(".")
        if not sep or not dot:
            continue
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            pass
        found.setdefault(key, {})[section] = str(value)
    order = (":env:", "install", "global")
    return {key: next(by[s] for s in order if s in by) for key, by in found.items() if any(s in by for s in order)}


def _true(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def uv_arguments(settings: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """``uv pip install`` options and environment variables giving uv what pip's ``settings`` give
    pip; :class:`NoUvEquivalent` for a setting that would change what pip installs and that uv is
    not given here."""
    args, env = ["--no-config", "--index-strategy", "unsafe-best-match"], {}
    for key, value in settings.items():
        values = value.split()
        if key in PIP_IGNORED:
            continue
        if key == "index-url":
            args += ["--default-index", value.strip()]
        elif key == "extra-index-url":
            args += [a for url in values for a in ("--index", url)]
        elif key == "find-links":
            args += [a for link in values for a in ("--find-links", link)]
        elif key == "constraint":
            args += [a for file in values for a in ("--constraints", file)]
        elif key == "no-index":
            args += ["--no-index"] if _true(value) else []
        elif key == "pre":
            args += ["--prerelease", "allow"] if _true(value) else []
        elif key == "trusted-host":
            args += [a for host in values for a in ("--allow-insecure-host", host)]
        elif key == "cert":
            env["SSL_CERT_FILE"] = value.strip()
        elif key == "client-cert":
            env["SSL_CLIENT_CERT"] = value.strip()
        elif key in {"timeout", "default-timeout"}:
            env["UV_HTTP_TIMEOUT"] = value.strip()
        elif key == "proxy":
            env["HTTP_PROXY"] = env["HTTPS_PROXY"] = value.strip()
        else:
            raise NoUvEquivalent(f"pip's setting {key}={value!r} is not passed to uv")
    return args, env


def _uv_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment uv runs in: no ``UV_*`` variable of the caller's but the cache's, no managed
    Python downloads, plus ``extra`` (pip's certificate, timeout, proxy)."""
    for name in [n for n in os.environ if n.startswith("UV_") and n not in UV_KEPT]:
        extra.setdefault(name, "")
    return {**extra, "UV_PYTHON_DOWNLOADS": "never"}


def bootstrap_uv(base_python: str = BASE_PYTHON, folder: Path = BOOTSTRAP_DIR) -> Path:
    """The pinned uv, installed (once per pin) from its wheel into ``folder`` by ``base_python``'s pip
    (so from the indexes pip is configured with)."""
    pin = BOOTSTRAP_REQUIREMENTS.read_text(encoding="utf-8")
    binary, stamp = folder / "bin" / "uv", folder / "requirements-bootstrap.txt"
    if binary.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == pin:
        return binary
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".bootstrap-") as tmp:
        _run(
            [base_python, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:"]
            + ["--target", tmp, "-r", BOOTSTRAP_REQUIREMENTS]
        )
        if not (Path(tmp) / "bin" / "uv").is_file():
            raise InstallError(f"the uv wheel ({pin.strip().splitlines()[-1]}) holds no bin/uv for this platform")
        (Path(tmp) / "requirements-bootstrap.txt").write_text(pin, encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)  # whole or not at all
    return binary


def _pip_setup(env: Path, base_python: str, requirements: list[str]) -> None:
    _run([base_python, "-m", "venv", env])
    if requirements:
        _run([env / "bin" / "python", "-m", "pip", "install", "--quiet", *requirements])


def _uv_setup(uv: Path, env: Path, base_python: str, requirements: list[str]) -> None:
    args, extra = uv_arguments(pip_settings(base_python))
    # the environment itself as pip's way makes it (pip and setuptools of this Python's ensurepip,
    # offline): uv keeps what satisfies the requirements, so both ways give the same packages
    _run([base_python, "-m", "venv", env])
    if requirements:
        _run(
            [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", env / "bin" / "python"]
            + [*args, *requirements],
            env=_uv_env(extra),
        )


def setup(
    env: Path,
    requirements: list[str],
    *,
    base_python: str = BASE_PYTHON,
    say=print,
) -> str:
    """A new virtual environment at ``env`` with ``requirements`` (pip/uv arguments: ``-r file``,
    ``-c file``, wheels, names); returns the installer used, "uv" or "pip". Falls back to pip, saying
    why in one line through ``say``."""
    env = Path(env)
    shutil.rmtree(env, ignore_errors=True)
    if not _use_pip():
        try:
            _uv_setup(bootstrap_uv(base_python), env, base_python, requirements)
            return "uv"
        except (InstallError, OSError) as exc:
            say(f"note: uv could not set up {env} ({_last_line(exc)}); setting it up with pip instead (slower)")
            shutil.rmtree(env, ignore_errors=True)
    _pip_setup(env, base_python, requirements)
    return "pip"


def build_wheel(source: Path, out: Path, *, base_python: str = BASE_PYTHON) -> Path:
    """The wheel of the package in ``source``, built into ``out`` (uv build, else pip wheel)."""
    if not _use_pip():
        try:
            args, extra = uv_arguments(pip_settings(base_python))
            args = ["--build-constraints" if a == "--constraints" else a for a in args]  # for the build backend
            _run(
                [bootstrap_uv(base_python), "build", "--quiet", "--wheel", "--python", base_python]
                + ["--out-dir", out, *args, source],
                env=_uv_env(extra),
            )
            return next(Path(out).glob("*.whl"))
        except (InstallError, OSError, StopIteration):
            pass
    _run([base_python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, source])
    return next(Path(out).glob("*.whl"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("env", type=Path, help="the environment's folder (made anew)")
    parser.add_argument("-r", "--requirement", action="append", default=[], help="a requirements file")
    args = parser.parse_args(argv)
    requirements = [arg for file in args.requirement for arg in ("-r", file)]
    try:
        setup(args.env, requirements, say=lambda line: print(line, file=sys.stderr))
    except InstallError as exc:
        print(f"error: setting up {args.env} failed: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
