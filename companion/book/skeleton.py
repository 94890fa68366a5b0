"""One skeleton for the article modules (``companion/articleNNN.py``): the order of their parts and the
names of their constants, so that a maintainer finds the same thing at the same place in every one.

An article module is, in this order:

1. **the module docstring**: its first line starts ``Article NNN (...)``: what the article is; a line
   ``Chapter: ``chapters/<slug>/``.`` names its chapter (the registry's, ``data/articles.yaml``); a
   paragraph starting ``Sources:`` names the raw files it reads, with the loader module of each
   (``:mod:`companion.sources.kazstat```: every loader module the article imports), and our transcriptions;
2. the imports (nothing else stands between the docstring and the first banner);
3. then five sections, each opened by its banner (:func:`banner`: ``# ---- Constants ---...``), all
   five present and in this order (a section with nothing in it says so in a comment):

   ``Constants``
       every module-level constant, and nothing else: ``CHAPTER = "chapters/<slug>"``; the notebook
       paths, named ``<WHAT>_NOTEBOOK`` and written ``f"{CHAPTER}/NN_name.ipynb"``; the source keys,
       named ``<WHAT>_KEYS`` (a tuple of raw-file keys of ``data/sources.yaml``, or a mapping whose
       keys or values are such keys); then the rest (reasons, readings, series names), upper case;
   ``Loaders used``
       the article's reads of the source modules' loaders (and of our transcriptions): small
       functions that pick the rows and columns the rest of the module works with (each names a
       loader module it imports, ``published``, or another function of this section);
   ``Claims``
       the functions registered with :func:`companion.ledger.recomputes` (one per text claim), their
       helpers, and the claims registered as not checkable (:func:`companion.ledger.not_checkable_claims`);
   ``Tables``
       the printed tables recomputed (:func:`companion.ledger.recomputes_table`) and the functions
       that return the tables the chapter prints;
   ``Figures data``
       the functions that return what a figure plots.

:func:`problems` lists every departure from it (``tests/book/test_skeleton.py`` asserts there is none in
the modules of the registry, and none in the module the scaffold writes, ``python -m companion
new-article``); the scaffold builds its module with :func:`banner`.
"""

from __future__ import annotations

import ast
import importlib
import re

from companion.core import package

SECTIONS = ("Constants", "Loaders used", "Claims", "Tables", "Figures data")
WIDTH = 100  # a banner is as wide as this
BANNER_LIKE = re.compile(r"^#\s*[-=#]{3,}")  # a comment line that looks like a banner of any style
CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
NOTEBOOK_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_NOTEBOOK$")
KEYS_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_KEYS$")
NOTEBOOK_PATH = re.compile(r"^/\d\d_[a-z0-9_]+\.ipynb$")  # what follows {CHAPTER} in a notebook path


def banner(section: str) -> str:
    """The banner line that opens ``section``: ``# ---- Constants -----...`` (:data:`WIDTH` wide)."""
    if section not in SECTIONS:
        raise ValueError(f"no section {section!r} in the skeleton; it has {', '.join(SECTIONS)}")
    return f"# ---- {section} ".ljust(WIDTH, "-")


def _source_keys() -> set[str]:
    from companion.sources import sources

    return set(sources())


def _loader_modules(names) -> set[str]:
    """Those of the package modules ``names`` that define a loader (``@sources.loader``)."""
    from companion import sources

    found = set()
    for name in names:
        if name not in package.files():
            continue
        try:
            importlib.import_module(package.dotted(name))
        except ImportError:
            continue
        if any(key.startswith(f"{package.dotted(name)}.") for key in sources.LOADERS):
            found.add(name)
    return found


def _string_tuple(node) -> list[str] | None:
    """The strings of a tuple literal made only of string constants, else None."""
    if isinstance(node, ast.Tuple) and node.elts:
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return [e.value for e in node.elts]
    return None


def _dict_strings(node) -> tuple[list, list]:
    return (
        [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)],
        [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)],
    )


def _is_notebook_value(node) -> bool:
    """A string literal or f-string that ends with ``.ipynb``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.endswith(".ipynb")
    if isinstance(node, ast.JoinedStr) and node.values:
        last = node.values[-1]
        return isinstance(last, ast.Constant) and str(last.value).endswith(".ipynb")
    return False


def _is_chapter_path(node) -> bool:
    """``f"{CHAPTER}/NN_name.ipynb"``."""
    return (
        isinstance(node, ast.JoinedStr)
        and len(node.values) == 2
        and isinstance(node.values[0], ast.FormattedValue)
        and isinstance(node.values[0].value, ast.Name)
        and node.values[0].value.id == "CHAPTER"
        and node.values[0].conversion == -1
        and node.values[0].format_spec is None
        and isinstance(node.values[1], ast.Constant)
        and bool(NOTEBOOK_PATH.match(node.values[1].value))
    )


def _decorators(node) -> set[str]:
    """The names of a definition's decorators (``recomputes``, ``recomputes_table``)."""
    out = set()
    for decorator in getattr(node, "decorator_list", []):
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute):
            out.add(func.attr)
        elif isinstance(func, ast.Name):
            out.add(func.id)
    return out


def _called(node) -> str | None:
    """The name of the function a module-level expression statement calls, if it is a call."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return None


def problems(text: str, article_id: str, slug: str, where: str = "the module") -> list[str]:
    """Every way the source ``text`` of article ``article_id``'s module (chapter ``chapters/<slug>``)
    departs from the skeleton, one message each, naming ``where`` and the line; empty when it follows it."""
    out: list[str] = []
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return [f"{where}: not Python ({error})"]
    lines = text.splitlines()

    # 1. the docstring
    doc = ast.get_docstring(tree, clean=True)
    if not doc:
        out.append(f"{where}: no module docstring")
        doc = ""
    elif not doc.startswith(f"Article {article_id} ("):
        out.append(f"{where}: the docstring's first line must start 'Article {article_id} (' (what the article is)")
    if doc and f"Chapter: ``chapters/{slug}/``" not in doc:
        out.append(f"{where}: the docstring has no line 'Chapter: ``chapters/{slug}/``'")
    sources_part = next((p for p in doc.split("\n\n") if p.startswith("Sources:")), None)
    if doc and sources_part is None:
        out.append(f"{where}: the docstring has no paragraph starting 'Sources:'")
    imported = {  # the package's modules it imports (from companion.sources import kazstat)
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("companion")
        for alias in node.names
        if f"{node.module}.{alias.name}" in package.short_names()
    }
    for module in sorted(_loader_modules(imported)):
        if sources_part is not None and f":mod:`{package.dotted(module)}`" not in sources_part:
            out.append(f"{where}: the docstring's Sources paragraph does not name :mod:`{package.dotted(module)}`")

    # 2. the banners: every banner-like line is one of the skeleton's, each once, in order
    found = [(number, line.rstrip()) for number, line in enumerate(lines, start=1) if BANNER_LIKE.match(line)]
    expected = [banner(s) for s in SECTIONS]
    for number, line in found:
        if line not in expected:
            out.append(f"{where}, line {number}: {line[:60]!r} is not a banner of the skeleton ({', '.join(SECTIONS)})")
    titles = [line for _, line in found if line in expected]
    if titles != expected:
        names = [SECTIONS[expected.index(t)] for t in titles]
        out.append(f"{where}: the sections are {names}; the skeleton wants each of {list(SECTIONS)} once, in order")
        return out  # without its sections in order, nothing below can be placed
    starts = [number for number, line in found if line in expected]

    def section(node) -> str | None:
        before = [s for s, start in zip(SECTIONS, starts, strict=True) if start < node.lineno]
        return before[-1] if before else None

    # 3. what stands where
    keys = _source_keys()
    body = tree.body[1:] if doc else tree.body
    chapter_seen = False
    for node in body:
        place, at = section(node), f"{where}, line {node.lineno}"
        if place is None:
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                out.append(f"{at}: only imports stand between the docstring and the first banner")
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(f"{at}: an import below the banners (imports go above {banner(SECTIONS[0])[:16]!r})")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)]
            if place != "Constants":
                out.append(f"{at}: {', '.join(names)} assigned in section {place!r}; constants go in 'Constants'")
            for name in names:
                out += _constant_problems(name, node.value, keys, at)
                chapter_seen |= name == "CHAPTER"
                if name == "CHAPTER" and not (
                    isinstance(node.value, ast.Constant) and node.value.value == f"chapters/{slug}"
                ):
                    out.append(f"{at}: CHAPTER must be 'chapters/{slug}' (the registry's chapter)")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            decorators = _decorators(node)
            if "recomputes" in decorators and place != "Claims":
                out.append(f"{at}: claim function {node.name} in section {place!r}; it goes in 'Claims'")
            if "recomputes_table" in decorators and place != "Tables":
                out.append(f"{at}: printed table {node.name} in section {place!r}; it goes in 'Tables'")
            if place == "Constants":
                out.append(f"{at}: {node.name} defined in 'Constants' (only constants go there)")
        elif _called(node) == "not_checkable_claims":
            if place != "Claims":
                out.append(f"{at}: not-checkable claims registered in section {place!r}; they go in 'Claims'")
        else:
            out.append(f"{at}: a module-level {type(node).__name__} statement; the skeleton has none outside its parts")
    if not chapter_seen:
        out.append(f"{where}: no constant CHAPTER = 'chapters/{slug}' in 'Constants'")

    # 4. a function in 'Loaders used' reads data: a loader module, our transcriptions, or another read
    readers = [n for n in body if isinstance(n, ast.FunctionDef) and section(n) == "Loaders used"]
    sources = _loader_modules(imported) | {"published"} | {n.name for n in readers}
    for node in readers:
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - {node.name}
        if not used & sources:
            out.append(
                f"{where}, line {node.lineno}: {node.name} stands in 'Loaders used' but reads no loader module "
                f"({', '.join(sorted(_loader_modules(imported)))}), no transcription (published) and no other read"
            )

    # 5. tuples of source keys written anywhere else than as a whole *_KEYS constant
    whole = {
        id(node.value)
        for node in body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and KEYS_NAME.match(t.id) for t in node.targets)
    }
    for node in ast.walk(tree):
        strings = _string_tuple(node)
        if strings and set(strings) <= keys and id(node) not in whole:
            out.append(
                f"{where}, line {node.lineno}: the source keys {tuple(strings)} are written in place; "
                f"name them once in 'Constants' as <WHAT>_KEYS"
            )
    return out


def _constant_problems(name: str, value, keys: set[str], at: str) -> list[str]:
    out = []
    if not CONSTANT.match(name):
        out.append(f"{at}: constant {name!r} is not UPPER_CASE (no leading underscore)")
    if name.startswith("NB_"):
        out.append(f"{at}: {name}: notebook paths are named <WHAT>_NOTEBOOK, not NB_<WHAT>")
    if _is_notebook_value(value) and not NOTEBOOK_NAME.match(name):
        out.append(f"{at}: {name} holds a notebook path; name it <WHAT>_NOTEBOOK")
    if NOTEBOOK_NAME.match(name) and not _is_chapter_path(value):
        out.append(f'{at}: {name} must be written f"{{CHAPTER}}/NN_name.ipynb"')
    strings = _string_tuple(value)
    if strings and set(strings) <= keys and not KEYS_NAME.match(name):
        out.append(f"{at}: {name} holds source keys; name it <WHAT>_KEYS")
    if KEYS_NAME.match(name):
        held = None
        if strings:
            held = strings
        elif isinstance(value, ast.Dict):
            dict_keys, dict_values = _dict_strings(value)
            held = next((s for s in (dict_keys, dict_values) if len(s) == len(value.keys) and set(s) <= keys), None)
        if not held or not set(held) <= keys:
            out.append(
                f"{at}: {name} must hold raw-file keys of data/sources.yaml (a tuple of them, or a mapping "
                f"whose keys or values are all such keys)"
            )
    return out


def module_problems(article) -> list[str]:
    """:func:`problems` of a registry article's module file (``article`` from :mod:`companion.core.registry`)."""
    from companion.sources import ROOT

    path = ROOT / (article.module.replace(".", "/") + ".py")
    if not path.is_file():
        return [f"{article.module}: no file {path.relative_to(ROOT)} (data/articles.yaml declares it)"]
    return problems(path.read_text(encoding="utf-8"), article.id, article.slug, str(path.relative_to(ROOT)))
