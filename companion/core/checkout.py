"""Where the book's files are, whatever the working directory; and a check that the package in use
belongs to the checkout being worked on.

* In a checkout of the book (the package imported from ``<book>/companion``), every path the package
  reads or writes resolves from the book's root ``<book>``.
* Installed from a wheel or an sdist (Binder, Colab, a fresh virtual environment), the package reads
  the book's declarations (``data/sources.yaml``, ``data/published/``, ``data/mappings/``,
  ``_config.yml``, ``_toc.yml``) from its own copy, ``companion/_book/`` (package data, see
  ``pyproject.toml``), and caches raw files in the user's cache folder.

A checkout copied or moved together with its ``.venv`` (``cp -a``) keeps a virtual environment whose
editable install, scripts and kernels point at the original checkout: its notebooks would import the
original's package and write into the original's files. :func:`check` stops that with a
:class:`CheckoutError` saying to run ``make clean-venv``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # companion/ (this module is companion/core/checkout.py)
CLEAN_VENV = "make clean-venv"


class CheckoutError(RuntimeError):
    """The package in use belongs to another checkout than the one being worked on."""


def is_book(folder: Path) -> bool:
    """Whether ``folder`` is the root of a checkout of the book."""
    return (
        (folder / "_toc.yml").is_file()
        and (folder / "data" / "sources.yaml").is_file()
        and (folder / "companion").is_dir()
    )


def _checkout_root() -> Path | None:
    root = PACKAGE_DIR.parent
    return root if is_book(root) else None


CHECKOUT_ROOT = _checkout_root()  # None when the package is installed (not a checkout)
# the folder that holds the book's declarations: the checkout, or the installed package's copy
BOOK_ROOT = CHECKOUT_ROOT or PACKAGE_DIR / "_book"


def resolve(value: str | os.PathLike) -> Path:
    """A path from an environment variable: absolute as given; relative to the book's root in a
    checkout (so ``COMPANION_DATA_MIRROR=../shared/data`` means the same from a notebook's folder as
    from the root); relative to the working directory where the package is installed."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (CHECKOUT_ROOT or Path.cwd()) / path
    return Path(os.path.normpath(path))  # ../shared/data named without the detour through the book


def _enclosing_book(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if is_book(candidate):
            return candidate
    return None


def check() -> None:
    """Stop when the package in use belongs to another checkout than the one being worked on (the
    checkout that holds the working directory).

    Two cases: the virtual environment lies in checkout A and the work happens in A, but the package
    is imported from checkout B (A is a copy of B with B's editable install); or a notebook kernel of
    checkout B's environment runs a notebook of checkout A (A's copied scripts and kernel specs name
    B's interpreter). Running B's interpreter on a copy A whose own package it imports (``python -m``
    from A's root, as the publication tests do) is consistent, and passes.
    """
    here = _enclosing_book(Path.cwd().resolve())
    env_owner = Path(sys.prefix).resolve().parent
    if sys.prefix != sys.base_prefix and is_book(env_owner) and env_owner != CHECKOUT_ROOT and here != CHECKOUT_ROOT:
        where = f"from {CHECKOUT_ROOT}" if CHECKOUT_ROOT else f"installed in {PACKAGE_DIR}"
        raise CheckoutError(
            f"the virtual environment {sys.prefix} belongs to the checkout {env_owner}, but the "
            f"companion package is imported {where} (a checkout copied or moved together with its "
            f".venv?). Run `{CLEAN_VENV}` in {env_owner}, then make again: it rebuilds .venv for this "
            f"checkout."
        )
    if CHECKOUT_ROOT is not None and "ipykernel" in sys.modules and here is not None and here != CHECKOUT_ROOT:
        raise CheckoutError(
            f"this notebook lies in the checkout {here}, but its kernel runs the virtual "
            f"environment {sys.prefix} and imports the companion package from {CHECKOUT_ROOT} "
            f"(a copied or moved checkout?). Run `{CLEAN_VENV}` in {here}, then `make lab` or "
            f"make again, and choose that checkout's kernel."
        )
