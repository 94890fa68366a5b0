"""Fetch the book's raw public files by key, verified by sha256.

Every file is declared once in ``data/sources.yaml`` (publisher, page, version, licence, pinned URL,
sha256 and its path inside the mirror). :func:`fetch` returns a local path to a verified copy:

* pooch keeps the file in a git-ignored cache (``data/raw/`` or ``$COMPANION_DATA_CACHE``) and
  checks its sha256; a cached copy that no longer matches is fetched again. Within one process a
  file is hashed again only when its size or modification time changed since it was verified;
* with ``$COMPANION_DATA_MIRROR`` set to a local mirror folder (``.ci/run`` points it at
  ``../shared/data``) the file is copied from there instead of downloaded, with the same check;
* relative paths in both variables resolve from the book's root, whatever the working directory
  (a notebook's kernel runs in the notebook's folder); where the package is installed rather than
  checked out (Binder, Colab, a wheel) the declarations come with the package, relative paths resolve
  from the working directory and the default cache is the user's cache folder (see
  :mod:`companion.core.checkout`);
* a missing, truncated or altered file raises :class:`DataFileError`, naming the key, the path, the
  expected and the actual sha256 and what to do about it. Nothing is skipped silently.

Nothing here writes anywhere but the cache, and the mirror is only ever read.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pooch
import yaml

from companion.core.checkout import BOOK_ROOT, CHECKOUT_ROOT, CheckoutError, check, resolve  # noqa: F401 (CheckoutError: API)

MIRROR_ENV = "COMPANION_DATA_MIRROR"
CACHE_ENV = "COMPANION_DATA_CACHE"

check()  # a copied checkout's .venv must not silently use (and write into) the original checkout

ROOT = BOOK_ROOT  # the checkout's root, or the installed package's copy of the declarations
SOURCES_FILE = ROOT / "data" / "sources.yaml"
DEFAULT_CACHE = CHECKOUT_ROOT / "data" / "raw" if CHECKOUT_ROOT else Path(pooch.os_cache("companion-book"))

pooch.get_logger().setLevel("WARNING")


class DataFileError(RuntimeError):
    """A raw data file is missing, truncated or not the file the book was built on."""


class UnknownKeyError(KeyError):
    """A data key that ``data/sources.yaml`` does not declare."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    page: str
    version: str
    licence: str
    url: str
    sha256: str
    bytes: int
    path: str
    modified: bool = False

    def citation(self) -> str:
        """One line naming the file: publisher, title, version, URL and hash."""
        return (
            f"{self.publisher}. {self.title}. {self.version}. {self.page} "
            f"(file {self.path}, sha256 {self.sha256[:12]}…)"
        )


def read_yaml(path: Path):
    """A YAML file, read as ``yaml.safe_load`` reads it, with libyaml's parser when PyYAML has it
    (ten times faster: every notebook kernel reads data/sources.yaml)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


@functools.cache
def _declared(sources_file: Path = SOURCES_FILE) -> dict[str, Source]:
    entries = read_yaml(sources_file)["sources"]
    return {key: Source(key=key, **fields) for key, fields in entries.items()}


def sources() -> dict[str, Source]:
    """All declared raw files, by key."""
    return dict(_declared())


def source(key: str) -> Source:
    """The declaration of one raw file; unknown keys fail with the list of known ones."""
    declared = _declared()
    if key not in declared:
        raise UnknownKeyError(f"unknown data key {key!r}; data/sources.yaml declares: {', '.join(sorted(declared))}")
    return declared[key]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    """The pooch cache: ``$COMPANION_DATA_CACHE`` (relative: from the book's root) or the default."""
    value = os.environ.get(CACHE_ENV)
    return resolve(value) if value else DEFAULT_CACHE


def mirror_dir() -> Path | None:
    """The local mirror named by ``$COMPANION_DATA_MIRROR`` (relative: from the book's root), if set."""
    value = os.environ.get(MIRROR_ENV)
    return resolve(value) if value else None


def _mismatch(src: Source, where: Path, actual: str, how_to_fix: str) -> DataFileError:
    size = where.stat().st_size if where.exists() else 0
    truncated = f" It has {size} bytes where {src.bytes} are expected (truncated?)." if size != src.bytes else ""
    return DataFileError(
        f"data file {src.key!r} ({src.path}) at {where} is not the declared file: "
        f"expected sha256 {src.sha256}, actual sha256 {actual}.{truncated} {how_to_fix}"
    )


def _mirror_downloader(src: Source, mirror: Path):
    """A pooch downloader that copies the file from the local mirror after checking its hash."""

    def copy(url, output_file, pooch_obj=None, check_only=False):  # signature required by pooch
        origin = mirror / src.path
        if not mirror.is_dir():
            raise DataFileError(
                f"data file {src.key!r} ({src.path}): the mirror folder {mirror} (${MIRROR_ENV}="
                f"{os.environ.get(MIRROR_ENV)}) does not exist. Point ${MIRROR_ENV} at a folder holding "
                f"the raw files, or unset it to download them from their pinned URLs."
            )
        if not origin.is_file():
            raise DataFileError(
                f"data file {src.key!r} ({src.path}) is missing from the mirror {mirror} "
                f"(${MIRROR_ENV}): expected sha256 {src.sha256}, actual: no file at {origin}. "
                f"Restore the file from {src.url}, or unset ${MIRROR_ENV} to download it."
            )
        actual = sha256_of(origin)
        if actual != src.sha256:
            raise _mismatch(
                src,
                origin,
                actual,
                f"The mirror copy is corrupt: restore it byte-exact from {src.url} "
                f"(never edit data/sources.yaml to match a changed file).",
            )
        if check_only:
            return True
        shutil.copyfile(origin, output_file)
        return None

    return copy


def _identity(path: Path) -> tuple[str, int, int]:
    """What tells one state of a file from another within a process: path, size, modification time."""
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns


_VERIFIED: dict[tuple[str, str], tuple[str, int, int]] = {}  # (key, sha256) -> identity when verified


def fetch(key: str) -> Path:
    """Local path of a verified copy of the raw file ``key`` (see the module docstring)."""
    src = source(key)
    mirror = mirror_dir()
    target_dir = cache_dir() / Path(src.path).parent
    known = _VERIFIED.get((key, src.sha256))
    target = target_dir / Path(src.path).name
    if known and known[0] == str(target) and target.is_file() and _identity(target) == known:
        return target
    downloader = _mirror_downloader(src, mirror) if mirror else None
    try:
        local = pooch.retrieve(
            url=src.url,
            known_hash=f"sha256:{src.sha256}",
            fname=Path(src.path).name,
            path=target_dir,
            downloader=downloader,
            progressbar=False,
        )
    except DataFileError:
        raise
    except ValueError as exc:  # pooch's hash check on a downloaded file
        raise DataFileError(
            f"data file {src.key!r} ({src.path}) downloaded from {src.url} failed its hash check: "
            f"{exc} Expected sha256 {src.sha256}. Try again; if it persists the server's file "
            f"changed: set ${MIRROR_ENV} to a folder holding the original file."
        ) from exc
    except Exception as exc:  # network and file-system failures
        raise DataFileError(
            f"data file {src.key!r} ({src.path}) could not be fetched from {src.url}: {exc}. "
            f"Expected sha256 {src.sha256}. Without network, set ${MIRROR_ENV} to a local "
            f"mirror folder (e.g. ../shared/data) that holds {src.path}."
        ) from exc
    local = Path(local)
    actual = sha256_of(local)  # belt and braces: never hand out an unverified file
    if actual != src.sha256:
        raise _mismatch(src, local, actual, "Delete the cached file and fetch again.")
    _VERIFIED[(key, src.sha256)] = _identity(local)
    return local


@dataclass(frozen=True)
class Loader:
    """What one loader reads, as its decorator declares it (``LOADERS``, used by the exhibit map)."""

    name: str  # "companion.sources.kazstat.internet_share"
    keys: tuple[str, ...]  # the raw files it always reads (empty when they depend on arguments)
    keys_of: Callable[..., Iterable[str]] | None  # the raw files for given arguments
    among: tuple[str, ...]  # every raw file keys_of can name

    def reads(self, *args, **kwargs) -> tuple[str, ...]:
        """The raw files a call with these arguments reads."""
        return tuple(self.keys_of(*args, **kwargs)) if self.keys_of else self.keys


LOADERS: dict[str, Loader] = {}  # every function decorated with @loader, by module and name


def loader(*keys: str, keys_of: Callable[..., Iterable[str]] | None = None, among: Iterable[str] = ()):
    """Decorator for a loader that reads the raw files ``keys`` (or ``keys_of(*args)``, one of
    ``among``): it runs once per process for given arguments and given states of those files, and
    every caller gets a copy. The loader is recorded in ``LOADERS`` with the files it reads.

    The files are fetched (so verified) on every call through the loader module's own ``fetch``; a
    changed file (another path, size or modification time) is read again. ``wrapper.cache_clear()``
    forgets everything.
    """
    if keys_of is not None and not among:
        raise ValueError(
            "a loader whose files depend on its arguments (keys_of) must list every file it can read (among=...)"
        )

    def decorate(func):
        memo: dict = {}
        name = f"{func.__module__}.{func.__qualname__}"
        LOADERS[name] = Loader(name, tuple(keys), keys_of, tuple(among) if keys_of else tuple(keys))

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            fetch_now = func.__globals__.get("fetch", fetch)  # the module's, so tests can swap it
            needed = keys_of(*args, **kwargs) if keys_of else keys
            token = (args, tuple(sorted(kwargs.items())), tuple(_identity(Path(fetch_now(k))) for k in needed))
            if token not in memo:
                memo[token] = func(*args, **kwargs)
            return _copy(memo[token])

        wrapper.cache_clear = memo.clear
        return wrapper

    return decorate


def _copy(value):
    return value.copy() if hasattr(value, "copy") else value


def fetch_all() -> dict[str, Path]:
    """Fetch and verify every declared file (used by ``make data``)."""
    return {key: fetch(key) for key in sorted(_declared())}


def require(**pins: str) -> None:
    """Fetch the files a notebook uses, each pinned by the sha256 written in the notebook's code.

    ``sources.require(kazstat_sdg_17_8_1="7d45...")`` fails when ``data/sources.yaml`` declares another
    hash, so a changed data file changes a notebook's code, and jupyter-book's execution cache (keyed
    on code) re-executes it. ``python -m companion pins KEY ...`` prints the line to paste.
    """
    lines = []
    for key, pinned in pins.items():
        declared = source(key).sha256
        if pinned != declared:
            raise DataFileError(
                f"data file {key!r}: this notebook pins sha256 {pinned} but data/sources.yaml declares "
                f"{declared}. If the new file is intended, paste the output of `python -m companion pins "
                f"{key}` into the notebook and re-execute it (make execute)."
            )
        fetch(key)
        src = source(key)
        lines.append(f"  {key}: {src.publisher}; {src.version}; sha256 {declared[:16]}… verified")
    print("Data used on this page:\n" + "\n".join(lines))
