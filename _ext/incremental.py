"""An incremental build shows what a clean build shows, and a failed page is never published.

Sphinx re-reads a document when its own source changed; a notebook's page also depends on the
``companion`` package, the data declarations and published tables it reads, and a Markdown page that
glues a value from a notebook depends on that notebook. This extension tells Sphinx so, with its own
events:

* **Inputs** (``env-get-outdated``): the environment records the fingerprint of what the notebooks
  read (``companion.book.prerun.fingerprint``, the same one that guards the execution cache) plus this
  folder's extensions. When it differs, every document is read again; at the same time the
  execution cache is emptied if it was filled from other inputs (``companion.book.prerun.sync_cache``),
  so a ``jupyter-book build`` run without ``make book``'s prerun executes afresh instead of
  rendering stale outputs.
* **Glue** (``doctree-read``, ``env-get-updated``): each document's cross-document glue references
  are recorded with the notebooks they name; a document gluing from a notebook that was read again
  is written again (myst-nb resolves such glue when a page is written).
* **Failures**: a notebook whose execution failed (myst-nb's execution record) stays outdated, so
  every later build executes it again and fails again, instead of "succeeded" over the old page. A
  page that would show a traceback, or a glued value that does not exist, is not published: its
  HTML file is removed, the build ends with one ``error:`` line per page and a non-zero status, and
  the next build writes that page again.
* **Search index** (``env-get-updated``): when ``searchindex.js`` cannot be loaded or lacks pages the
  book has (an interrupted or concurrent build), the missing pages are written again so that the
  index lists every page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from companion.book.prerun import fingerprint, sync_cache

logger = logging.getLogger(__name__)

TRACEBACK_MARK = 'class="output traceback'  # how myst-nb renders an error output


def _inputs(app) -> str:
    here = Path(__file__).parent
    record = fingerprint(Path(app.srcdir))
    record["extensions"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(here.glob("*.py"))}
    return hashlib.sha256(repr(record).encode()).hexdigest()


def _sync_cache(app) -> None:
    config = getattr(app.env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not config.execution_cache_path:
        return
    changed = sync_cache(Path(config.execution_cache_path), Path(app.srcdir))
    if changed and changed != ["(no record)"]:
        logger.info(f"notebook inputs changed ({', '.join(changed[:3])}...): the execution cache was emptied")


def _outdated(app, env, added, changed, removed):
    current = _inputs(app)
    previous = getattr(env, "companion_inputs", None)
    env.companion_inputs = current
    if previous != current:
        if previous is not None:
            logger.info("notebook inputs changed: every page is read again")
        return sorted(env.found_docs)
    metadata = getattr(env, "nb_metadata", {})
    return sorted(doc for doc, data in metadata.items() if (data.get("exec_data") or {}).get("succeeded") is False)


def _before_read(app, env, docnames):
    app.companion_read = set(docnames)


def _purge(app, env, docname):
    getattr(env, "companion_glue_sources", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.companion_glue_sources = getattr(env, "companion_glue_sources", {})
    for doc in docnames:
        if doc in getattr(other, "companion_glue_sources", {}):
            env.companion_glue_sources[doc] = other.companion_glue_sources[doc]


def _glue_sources(app, doctree):
    from myst_nb.ext.glue.utils import PendingGlueReference

    refdocs = {node.refdoc for node in doctree.findall(PendingGlueReference)}
    if not hasattr(app.env, "companion_glue_sources"):
        app.env.companion_glue_sources = {}
    if refdocs:
        app.env.companion_glue_sources[app.env.docname] = refdocs
    else:
        app.env.companion_glue_sources.pop(app.env.docname, None)


def _indexed_docs(app) -> set[str] | None:
    """The pages the current search index lists (None: it cannot be loaded)."""
    from sphinx.search import js_index

    try:
        with open(Path(app.outdir) / app.builder.searchindex_filename, encoding="utf-8") as f:
            return set(js_index.load(f)["docnames"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _updated(app, env):
    read = getattr(app, "companion_read", set())
    gluing = {doc for doc, refs in getattr(env, "companion_glue_sources", {}).items() if refs & read}
    extra = gluing - read
    if getattr(app.builder, "search", False) and hasattr(app.builder, "searchindex_filename"):
        titled = {doc for doc in env.found_docs if env.titles.get(doc) and env.titles[doc].astext()}
        indexed = _indexed_docs(app)
        if indexed is None and Path(app.outdir, "index.html").exists():
            logger.info("the search index cannot be loaded: every page is written again")
            extra |= env.found_docs - read
        elif indexed is not None and titled - indexed - read:
            missing = titled - indexed - read
            logger.info(f"the search index lacks {len(missing)} page(s): they are written again")
            extra |= missing
    return sorted(extra)


class CheckGlue(SphinxPostTransform):
    """Before myst-nb resolves cross-document glue (priority 5): note the pages that glue a value
    their notebook does not have (myst-nb warns and leaves a blank)."""

    default_priority = 4

    def run(self, **kwargs):
        from myst_nb.ext.glue.crossref import read_glue_cache
        from myst_nb.ext.glue.utils import PendingGlueReference

        folder = self.env.mystnb_config.output_folder
        for node in self.document.findall(PendingGlueReference):
            if node.key not in read_glue_cache(folder, node.refdoc):
                broken = self.app.__dict__.setdefault("companion_broken", {})
                broken.setdefault(self.env.docname, f"glued value {node.key!r} of {node.refdoc} does not exist")


def _finished(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    broken = dict(getattr(app, "companion_broken", {}))
    for doc, data in getattr(app.env, "nb_metadata", {}).items():
        if (data.get("exec_data") or {}).get("succeeded") is False:
            broken.setdefault(doc, "its notebook failed to execute")
    for doc in app.env.found_docs:  # the last guard: whatever else put a traceback on a page
        page = Path(app.builder.get_outfilename(doc))
        if doc not in broken and page.is_file() and TRACEBACK_MARK in page.read_text(encoding="utf-8"):
            broken[doc] = "the page shows a traceback"
    for doc, why in sorted(broken.items()):
        Path(app.builder.get_outfilename(doc)).unlink(missing_ok=True)
        logger.error(f"{app.env.doc2path(doc, False)}: {why}; its page is not published")
    if broken:
        app.statuscode = 1


def setup(app):
    app.connect("builder-inited", _sync_cache, priority=900)  # after myst-nb set its configuration
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _before_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _glue_sources)
    app.connect("env-get-updated", _updated)
    app.add_post_transform(CheckGlue)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": False, "env_version": 1}
