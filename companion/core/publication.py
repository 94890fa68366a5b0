"""Which version the book is and where it is published: the one place (``pyproject.toml``).

``pyproject.toml`` holds the version (``[project] version``) and, under ``[tool.companion]``, the
release date, the public address of the book and its repository; the environment variables
``COMPANION_BASE_URL``, ``COMPANION_REPOSITORY`` and ``COMPANION_BRANCH`` set them at build time.
Everything that names the book's address, repository, version or date asks :func:`publication`
(the release archive itself is :mod:`companion.book.release`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from urllib.parse import urlsplit

from companion.core.checkout import BOOK_ROOT as ROOT  # the checkout, or the installed package's copy

PYPROJECT = ROOT / "pyproject.toml"
BASE_URL_ENV = "COMPANION_BASE_URL"
REPOSITORY_ENV = "COMPANION_REPOSITORY"
BRANCH_ENV = "COMPANION_BRANCH"


class PublicationError(ValueError):
    """A malformed address, repository, version or date, or a missing part of a release."""


@dataclass(frozen=True)
class Publication:
    version: str
    date: str  # ISO date of the release
    base_url: str  # "" for a local build, else an absolute https URL without trailing slash
    repository: str  # "" or https://github.com/<owner>/<name>
    branch: str

    @property
    def github(self) -> tuple[str, str] | None:
        """(owner, name) of a GitHub repository, else None."""
        parts = urlsplit(self.repository)
        if parts.netloc != "github.com":
            return None
        owner, name = parts.path.strip("/").split("/")
        return owner, name

    def url(self, page: str, anchor: str = "") -> str:
        """The permalink of a page (path from the book root, e.g. ``chapters/x/y.html``) and anchor:
        absolute when the book has an address, else the relative path itself."""
        target = f"{page}#{anchor}" if anchor else page
        return f"{self.base_url}/{target}" if self.base_url else target


def _pyproject() -> dict:
    try:
        return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PublicationError(f"{PYPROJECT}: cannot read it ({error})") from error


def _check_url(value: str, what: str, where: str) -> str:
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise PublicationError(
            f"{where}: the {what} must be an absolute http(s) URL without query or fragment, got {value!r}"
        )
    return value


def publication() -> Publication:
    """The effective version, date, address and repository (environment over ``pyproject.toml``)."""
    data = _pyproject()
    version = str((data.get("project") or {}).get("version") or "")
    tool = (data.get("tool") or {}).get("companion")
    if not isinstance(tool, dict):
        raise PublicationError(f"{PYPROJECT}: missing the [tool.companion] table (release-date, base-url, repository)")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise PublicationError(f"{PYPROJECT}: [project] version must be MAJOR.MINOR.PATCH, got {version!r}")
    date = str(tool.get("release-date") or "")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise PublicationError(
            f"{PYPROJECT}: [tool.companion] release-date must be an ISO date (YYYY-MM-DD), got {date!r}"
        ) from None
    env_url, env_repo = os.environ.get(BASE_URL_ENV, ""), os.environ.get(REPOSITORY_ENV, "")
    base_url = (
        _check_url(env_url, "address", f"${BASE_URL_ENV}")
        if env_url.strip()
        else _check_url(str(tool.get("base-url") or ""), "address", f"{PYPROJECT} [tool.companion] base-url")
    )
    repository = (
        _check_url(env_repo, "repository", f"${REPOSITORY_ENV}")
        if env_repo.strip()
        else _check_url(str(tool.get("repository") or ""), "repository", f"{PYPROJECT} [tool.companion] repository")
    )
    if repository.startswith("https://github.com/") and not re.fullmatch(
        r"https://github\.com/[\w.-]+/[\w.-]+", repository
    ):
        raise PublicationError(f"the repository must be https://github.com/<owner>/<name>, got {repository!r}")
    branch = os.environ.get(BRANCH_ENV, "").strip() or str(tool.get("branch") or "main")
    return Publication(version, date, base_url, repository, branch)
