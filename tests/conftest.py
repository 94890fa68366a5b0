import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mirror_env(monkeypatch, tmp_path):
    """A private cache (and nothing else changed): tests never write into data/raw or the mirror."""
    monkeypatch.setenv("COMPANION_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path


def copy_checkout(destination: Path) -> Path:
    """A copy of the book's tracked files (as ``git ls-files`` lists them) at ``destination``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, files.stdout.split("\0")):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    return destination


def free_article_id(root: Path = ROOT) -> str:
    """The highest three-digit article id that the registry of ``root`` (data/articles.yaml) does not
    declare and no module ``companion/articles/articleNNN.py`` has: the tests never assume an id is free."""
    from companion.core import registry as articles

    taken = {a.id for a in articles.load(root / "data" / "articles.yaml")}
    for number in range(999, 0, -1):
        candidate = f"{number:03d}"
        if candidate not in taken and not (root / "companion" / "articles" / f"article{candidate}.py").exists():
            return candidate
    raise AssertionError("no free article id")


def copy_env(copy: Path) -> dict[str, str]:
    """The environment of a command run in a copy of the book: its own package (``PYTHONPATH=<copy>``)
    with this checkout's interpreter, raw data from this checkout's verified cache or the mirror."""
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "COMPANION_DATA_CACHE": str(ROOT / "data" / "raw"),
        "COMPANION_BASE_URL": "",
        "COMPANION_REPOSITORY": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in [n for n in env if n.startswith("PYTEST_") or n == "COMPANION_TEST_BUILD"]:
        del env[name]  # an inner pytest (and the copy's build) must not think it is an xdist worker here
    return env


def run_in_copy(copy: Path, *args, timeout=300) -> subprocess.CompletedProcess:
    """Run a command in a copy of the book (see :func:`copy_env`)."""
    return subprocess.run(
        [str(a) for a in args], cwd=copy, env=copy_env(copy), capture_output=True, text=True, timeout=timeout
    )


DATA_HELP = (
    "The tests read the book's raw data files and none of the ways to get them worked. Either set "
    "COMPANION_DATA_MIRROR to a local mirror of the files (export COMPANION_DATA_MIRROR=/path/to/shared/data, "
    "as .ci/run does with ../shared/data), or run with network access: companion.sources.fetch then "
    "downloads each file by its pinned URL (data/sources.yaml) into data/raw/, where later runs find it "
    "offline. No test is skipped for want of data."
)


def pytest_sessionstart(session):
    """No silent skips: before any test runs, every declared raw file must be at hand (the cache
    data/raw/, the mirror, or a download by its pinned URL). If one is not, the run stops here with
    one message saying what to set, instead of data-dependent tests skipping or failing one by one."""
    from companion import sources

    try:
        sources.fetch_all()
    except sources.DataFileError as exc:
        pytest.exit(f"{DATA_HELP}\nThe first file that could not be had: {exc}", returncode=4)


def ci() -> bool:
    """True on CI (GitHub Actions and most CI services set CI=true; `CI=true bash .ci/run` as well)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def _ledger_once():
    from companion import ledger

    return ledger.ledger()


@pytest.fixture
def whole_ledger(_ledger_once):
    """``ledger.ledger()``, computed once per test process (it reads every source: about 1.5 s);
    each test gets its own copy."""
    return _ledger_once.copy()


# where the test session builds the book; override to keep concurrent sessions apart
BUILD = Path(os.environ.get("COMPANION_TEST_BUILD") or ROOT / "_build" / "test")


@dataclass
class Build:
    html: Path
    log: str
    returncode: int


BUILD_TESTS = (
    "tests/book/test_build.py",
    "tests/book/test_browser.py",
    "tests/book/test_figure_images.py",
    "tests/book/test_determinism.py",
    "tests/book/test_quiet_build.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Groups for pytest-xdist (``make test`` runs ``-n 2 --dist loadgroup``).

    The tests over the built book form one group, run first and on one worker: that worker builds
    the book, executing every notebook, while the other worker runs nbval and the unit tests. The
    cells of one notebook form a group too, since nbval runs them in order in one kernel."""
    over_build = [item for item in items if item.nodeid.startswith(BUILD_TESTS)]
    for item in over_build:
        item.add_marker(pytest.mark.xdist_group("built-book"))
    for item in items:
        if ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items[:] = over_build + [item for item in items if item not in over_build]


# The test build runs in another time zone and under the C locale (Python coerces it to UTF-8):
# the determinism and image tests then show that neither reaches a number, a page or a figure file.
ELSEWHERE = {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"}


def _build() -> Build:
    """As ``make book`` does, from scratch: every notebook executed (in parallel) into an empty
    execution cache, then ``jupyter-book build`` renders from that cache (under :data:`ELSEWHERE`)."""
    shutil.rmtree(BUILD, ignore_errors=True)
    env = {**os.environ, **ELSEWHERE}
    prerun = subprocess.run(
        [sys.executable, "-m", "companion", "prerun", "--cache", str(BUILD / "_build" / ".jupyter_cache")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", "--warningiserror", "--nitpick", "--keep-going", "--path-output", str(BUILD), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
    )
    log = prerun.stdout + prerun.stderr + result.stdout + result.stderr
    return Build(BUILD / "_build" / "html", log, prerun.returncode or result.returncode)


@pytest.fixture(scope="session")
def built_book() -> Build:
    """The book built once per test run from scratch (empty execution cache: every notebook runs),
    with warnings as errors and nitpicky references, into _build/test/_build/html.

    Under pytest-xdist every worker has its own session: the first to need the book builds it under
    a file lock and records the run's id; a worker that comes later in the same run reads the record
    instead of building again."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return _build()
    BUILD.parent.mkdir(parents=True, exist_ok=True)
    record = BUILD.parent / f".{BUILD.name}.run.json"
    with open(BUILD.parent / f".{BUILD.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.is_file():
            done = json.loads(record.read_text(encoding="utf-8"))
            if done["run"] == run:
                return Build(Path(done["html"]), done["log"], done["returncode"])
        build = _build()
        record.write_text(
            json.dumps({"run": run, "html": str(build.html), "log": build.log, "returncode": build.returncode}),
            encoding="utf-8",
        )
        return build


@functools.cache
def _environment_note() -> str:
    from companion.book.environment import explain_differences

    return explain_differences()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A stored output that a fresh run does not give back (nbval, the determinism test): the report
    also says which parts of this machine's computing environment differ from the record of the one
    that produced the stored outputs (BLAS kernel, numpy SIMD, pinned packages, CPU...)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and ci() and not hasattr(report, "wasxfail"):
        # on CI every test runs: a skip (e.g. a missing tool such as chromium) is a failure
        reason = _skip_reason(report)
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} would be skipped ({reason}), but on CI (CI={os.environ.get('CI')}) "
            f"every test must run: install what it needs (.ci/run installs chromium as root)."
        )
    if report.when == "call" and report.failed and (".ipynb::" in item.nodeid or "test_determinism" in item.nodeid):
        report.sections.append(("computing environment", _environment_note()))


def _skip_reason(report) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter):
    """Skips are never silent: each skipped test and its reason are listed at the end of every run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.section(f"{len(skipped)} skipped test(s): each needs something this machine lacks")
        for report in skipped:
            reason = _skip_reason(report)
            terminalreporter.line(f"SKIPPED {report.nodeid}: {reason}")


def stored_outputs(notebook: str) -> str:
    """The HTML and text a notebook of the book (path from the root) shows in its stored outputs."""
    nb = json.loads((ROOT / notebook).read_text(encoding="utf-8"))
    return "".join(
        "".join(o.get("data", {}).get("text/html", "")) + "".join(o.get("text", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    )


def nbval(notebook: Path, *, rootdir: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    """nbval over one notebook, as `make test` runs it, stopping at the first failing cell (-x), in a
    separate process whose working folder is ``rootdir`` (the caller's scratch copy)."""
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q", "-x", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "--rootdir", str(rootdir), str(notebook)],
        capture_output=True,
        text=True,
        cwd=rootdir,
        timeout=timeout,
    )
