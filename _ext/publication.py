"""The book's public address, repository and version, applied to the build.

Everything comes from ``companion.book.release.publication()`` (``pyproject.toml``, with the environment
variables ``COMPANION_BASE_URL`` and ``COMPANION_REPOSITORY`` set by the publishing workflow):

* ``html_baseurl`` (each page's canonical link) is the address;
* with a repository: the repository button, and Binder and Colab launch buttons on every notebook
  page (sphinx-book-theme's ``launch_buttons``); without one, none of them;
* the footer names the version and its release date, and the prose can name them through the MyST
  substitutions ``{{ book_version }}``, ``{{ book_release_date }}``, ``{{ book_year }}``;
* the build writes ``CITATION.cff`` (with the version, date, address and repository) beside the
  pages;
* every figure's citation in the rendered pages must carry this build's address: a page whose
  notebook outputs came from an execution cache filled under another address (or none) fails the
  build, with what to do, instead of publishing stale permalinks.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.errors import ExtensionError

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
CITED_URL = re.compile(r"url = \{([^}]*)\}")


def _publication():
    from companion.core.publication import publication

    return publication()


def _configure(app, config):
    pub = _publication()
    config.html_baseurl = f"{pub.base_url}/" if pub.base_url else ""
    config.version = config.release = pub.version
    # for the prose ({{ book_version }} in MyST): the how-to-cite page names the version and date
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        "book_version": pub.version,
        "book_release_date": pub.date,
        "book_year": pub.date[:4],
    }
    options = dict(config.html_theme_options or {})
    footer = f"Version {pub.version}, released {pub.date}."
    if pub.base_url:
        footer += f' Permanent address: <a href="{pub.base_url}/">{pub.base_url}/</a>.'
    options["extra_footer"] = footer
    if pub.repository:
        options.update(
            repository_url=pub.repository,
            repository_branch=pub.branch,
            path_to_docs="",
            use_repository_button=True,
            use_issues_button=False,
            use_edit_page_button=False,
        )
        launch = dict(options.get("launch_buttons") or {})
        launch.update(binderhub_url=BINDER, notebook_interface="jupyterlab")
        if pub.github:  # Colab opens notebooks from GitHub only
            launch["colab_url"] = COLAB
        options["launch_buttons"] = launch
    config.html_theme_options = options


def _check_citations(app, doctree, docname):
    """Every ``url = {...}`` of a figure citation on this page carries this build's address."""
    pub = _publication()
    for raw in doctree.findall(nodes.raw):
        for url in CITED_URL.findall(raw.astext()):
            relative = not re.match(r"^[a-z]+://", url)
            if (pub.base_url and not url.startswith(pub.base_url + "/")) or (not pub.base_url and not relative):
                raise ExtensionError(
                    f"{docname}: a figure citation reads {url!r}, but this build's address is "
                    f"{pub.base_url or '(none: local build)'!r}. The notebook outputs came from an execution "
                    "cache filled under another address: delete _build/.jupyter_cache (make clean) and build again."
                )


def _finish(app, exception):
    """Check the published figure files' citations (they are copied from ``_static/figures``, which
    the last execution of a notebook wrote, perhaps under another address), then write CITATION.cff."""
    if exception is not None or app.builder.format != "html":
        return
    from pathlib import Path

    from companion.book.release import cff_text

    pub = _publication()
    for bib in sorted(Path(app.outdir, "_static", "figures").glob("fig-*.bib")):
        for url in CITED_URL.findall(bib.read_text(encoding="utf-8")):
            relative = not re.match(r"^[a-z]+://", url)
            if (pub.base_url and not url.startswith(pub.base_url + "/")) or (not pub.base_url and not relative):
                raise ExtensionError(
                    f"_static/figures/{bib.name} cites {url!r}, but this build's address is "
                    f"{pub.base_url or '(none: local build)'!r}: the figure files were exported under another "
                    "address. Run `make clean` and build again."
                )
    Path(app.outdir, "CITATION.cff").write_text(cff_text(pub), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("doctree-resolved", _check_citations)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
