"""The companion book's package, in layers (see ``about/maintaining.md``, *Layout*):

``companion.core``      checkout, precision, registry (data/articles.yaml), publication, package
``companion.sources``   fetching and verifying the raw files, one loader module per publisher, schemas
``companion.ledger``    claims, evidence and verdicts; numbers; exhibits
``companion.articles``  one module per article: its claims' computations
``companion.book``      figures, tables, pages, notebooks, release, PDF, new articles
``companion.__main__``  the command line, ``python -m companion COMMAND``

The facade for notebooks: every module is also reachable by its short name from the package itself
(``from companion import figures, kazstat, article000``), imported only when first asked for
(PEP 562), so that ``import companion`` stays cheap and no module of the package imports this one.
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    from companion.core import package

    if name in package.files() and name not in ("__main__", "installer"):
        return importlib.import_module(package.dotted(name))
    raise AttributeError(f"module 'companion' has no attribute {name!r}")


def __dir__() -> list[str]:
    from companion.core import package

    return sorted({*globals(), *(name for name in package.files() if name not in ("__main__", "installer"))})
