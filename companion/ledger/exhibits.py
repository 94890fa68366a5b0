"""The list of tables and figures, each mapped from the article's own name down to the raw files.

For every exhibit (a figure saved with ``figures.save`` or a printed table registered with the
ledger) the map gives: the article's own name for it (``data/mappings/exhibits_names.csv``: "Table 1
a)", "Figure 1" or "beyond the article"), the notebook, the package functions that compute it, the
loaders and raw-file keys they read, the published files (``data/published/``) it compares with, and
its output files. All of it except the article's name is derived from the code, without executing it:

* a figure's computation is the backward slice of its ``figures.save(...)`` statement in the notebook
  (the statements, across cells, that define the names it uses, recursively); a printed table's is
  the function the ledger registers for it;
* the package functions are the ``companion.*`` functions that computation calls, and everything
  they call in turn: a call graph of the package read with :mod:`ast`;
* the loaders are the functions among those decorated with ``@sources.loader``, which records the
  raw files each one reads (``sources.LOADERS``); where a loader's files depend on its arguments,
  the arguments of each call are evaluated when they are constants, otherwise every file it can
  read is listed;
* the published files are those named in calls of ``published.table`` / ``published.claims`` (and
  ``published.PUBLISHED / "file"``) reached the same way.
"""

from __future__ import annotations

import ast
import functools
import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from companion import ledger, sources
from companion.core import package
from companion.sources import ROOT, published, read_yaml

PACKAGE = "companion"
FIGURE_FILES = ("png", "svg", "csv", "bib", "txt")
NAMES_FILE = ROOT / "data" / "mappings" / "exhibits_names.csv"
# modules that draw, round, fetch or run notebooks: not "functions that compute" an exhibit
TOOLING = {
    "figures",
    "precision",
    "sources",
    "notebooks",
    "prerun",
    "environment",
    "exhibits",
    "validate",
    "schemas",
    "published",
    "__main__",
    "provenance",
}
BEYOND = "beyond the article"
COLUMNS = [
    "chapter",
    "exhibit",
    "kind",
    "article",
    "article_name",
    "title",
    "notebook",
    "calls",
    "functions",
    "loaders",
    "raw_files",
    "published",
    "outputs",
]


# ------------------------------------------------------------------ the package's call graph


@dataclass
class _Module:
    name: str  # "kazstat"
    tree: ast.Module
    modules: dict[str, str] = field(default_factory=dict)  # local name -> companion module ("kazstat")
    objects: dict[str, str] = field(default_factory=dict)  # local name -> "module.name"
    functions: dict[str, ast.AST] = field(default_factory=dict)  # "f" or "Class" -> node


def _imports(tree: ast.Module, current: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Companion modules and objects a module (or notebook) imports, by their local names."""
    modules, objects = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:  # from . import x / from .x import y
                origin = f"{PACKAGE}.{origin}" if origin else PACKAGE
            shorts = package.short_names()
            for alias in node.names:
                if f"{origin}.{alias.name}" in shorts:  # from companion.sources import kazstat
                    modules[alias.asname or alias.name] = shorts[f"{origin}.{alias.name}"]
                elif origin == PACKAGE and alias.name in package.files():  # the facade: from companion import kazstat
                    modules[alias.asname or alias.name] = alias.name
                elif origin in shorts:  # from companion.sources.kazstat import internet_users
                    objects[alias.asname or alias.name] = f"{shorts[origin]}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in package.short_names() and alias.asname:
                    modules[alias.asname] = package.short_names()[alias.name]
    return modules, objects


@functools.cache
def _package() -> dict[str, _Module]:
    parsed = {}
    for name, path in package.files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _Module(name, tree)
        module.modules, module.objects = _imports(tree, name)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                module.functions[node.name] = node
        parsed[name] = module
    return parsed


def _walk(node: ast.AST):
    """``ast.walk`` without descending into decorators (registering a function is not calling it)."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for name, value in ast.iter_fields(current):
            if name == "decorator_list":
                continue
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    todo.append(child)


def _resolve(node: ast.AST, modules: dict[str, str], objects: dict[str, str], local: dict) -> str | None:
    """The package object ("module.name") a Name or module.attribute expression stands for."""
    package = _package()
    if isinstance(node, ast.Name):
        if node.id in local:
            return local[node.id]
        if node.id in objects:
            return objects[node.id]
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
        module = modules[node.value.id]
        if module in package:
            return f"{module}.{node.attr}"
    return None


class _Unknown(Exception):
    """An argument whose value is known only at run time."""


def _value(
    node: ast.AST,
    modules: dict[str, str],
    objects: dict[str, str],
    module: str | None,
    env: dict | None = None,
    hidden: frozenset = frozenset(),
):
    """A call argument's value when it is a constant: a literal, an argument bound by the caller
    (``env``), or a module-level constant; else raise :class:`_Unknown`."""
    env = env or {}
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError):
        pass
    if isinstance(node, ast.Name) and node.id in hidden:  # a parameter or local name of the function
        raise _Unknown(node.id)
    if isinstance(node, ast.Name) and module and not node.id.startswith("__"):
        target = objects.get(node.id) or f"{module}.{node.id}"
    else:
        target = _resolve(node, modules, objects, {})
    if target is None:
        raise _Unknown(ast.dump(node))
    owner, _, attr = target.rpartition(".")
    if owner not in _package() or owner == "__main__":
        raise _Unknown(target)
    value = getattr(importlib.import_module(package.dotted(owner)), attr, _Unknown)
    if value is _Unknown or callable(value) or isinstance(value, type(importlib)):
        raise _Unknown(target)
    return value


@dataclass
class _Reads:
    """What one piece of code reaches: package functions, loaders with the keys read, published files."""

    functions: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=dict)  # loader -> keys
    published: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)  # string constants (claim ids, table names)
    calls: list = field(default_factory=list)  # (package function, args or None, kwargs)

    def update(self, other: _Reads) -> None:
        self.functions |= other.functions
        for loader, keys in other.keys.items():
            self.keys.setdefault(loader, set()).update(keys)
        self.published |= other.published
        self.strings |= other.strings


def _published_file(target: str, args: list) -> str | None:
    if target == "published.table" and args:
        return f"data/published/{args[0]}.csv"
    if target == "published.document" and args:
        return f"data/published/{args[0]}.yaml"
    if target == "published.claims":
        return "data/published/ledger_claims.csv"
    return None


def _scan(
    nodes, modules, objects, module: str | None, env: dict | None = None, hidden: frozenset = frozenset()
) -> _Reads:
    """Direct reads of some code: the package functions it calls (with the arguments whose values
    are constants) or refers to, the published files it names, and its string constants."""
    reads = _Reads()
    local = {name: f"{module}.{name}" for name in _package()[module].functions} if module else {}
    called = set()
    for top in nodes:
        for node in _walk(top):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                reads.strings.add(node.value)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                if _resolve(node.left, modules, objects, local) == "published.PUBLISHED":
                    try:
                        right = _value(node.right, modules, objects, module, env, hidden)
                        reads.published.add(f"data/published/{right}")
                    except _Unknown:
                        pass
            if not isinstance(node, ast.Call):
                continue
            target = _resolve(node.func, modules, objects, local)
            if target is None or not _known(target):
                continue
            called.add(id(node.func))
            try:
                args = [_value(a, modules, objects, module, env, hidden) for a in node.args]
                kwargs = {k.arg: _value(k.value, modules, objects, module, env, hidden) for k in node.keywords if k.arg}
            except _Unknown:
                args, kwargs = None, None
            reads.calls.append((target, args, kwargs))
            published = _published_file(target, args) if args is not None else None
            if published:
                reads.published.add(published)
    for top in nodes:  # functions passed around or referred to without a call: any arguments
        for node in _walk(top):
            referred = isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load)
            if referred and id(node) not in called:
                target = _resolve(node, modules, objects, local)
                if target and _known(target) and (not isinstance(node, ast.Name) or node.id not in hidden):
                    reads.calls.append((target, None, None))
    return reads


def _known(target: str) -> bool:
    module, _, name = target.partition(".")
    return module in _package() and name.split(".")[0] in _package()[module].functions


def _hidden(node: ast.AST) -> frozenset[str]:
    """A function's parameters and local names: never read as module-level constants."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        every = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        names |= {a.arg for a in every}
        names |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a}
    return frozenset(names)


def _bind(node: ast.AST, module: _Module, args, kwargs) -> dict | None:
    """The constant arguments of one call bound to the function's parameters (with their defaults)."""
    if args is None or not isinstance(node, ast.FunctionDef):
        return None
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    env = {}
    defaults = node.args.defaults
    for param, default in zip(params[len(params) - len(defaults) :], defaults):
        try:
            env[param] = _value(default, module.modules, module.objects, module.name)
        except _Unknown:
            pass
    for param, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
        if default is not None:
            try:
                env[param.arg] = _value(default, module.modules, module.objects, module.name)
            except _Unknown:
                pass
    env.update(zip(params, args))
    env.update(kwargs or {})
    return env


def _registered() -> dict[str, str]:
    """The ledger's registered computations: claim id or printed-table name -> package function."""

    def name(fn):
        return f"{package.short_names()[fn.__module__]}.{fn.__qualname__.split('.')[0]}"  # top-level function

    found = {claim: name(fn) for claim, fn in getattr(ledger, "_CLAIMS", {}).items()}
    found.update({table: name(spec.compute) for table, spec in getattr(ledger, "_TABLES", {}).items()})
    return found


@functools.cache
def _evaluators() -> frozenset[str]:
    """The ledger functions that evaluate its registries (``_CLAIMS``, ``_TABLES``): they call the
    registered computations. The registering decorators (used as ``@...`` in the package) do not."""
    package = _package()
    decorators = set()
    for module in package.values():
        for node in ast.walk(module.tree):
            for decorator in getattr(node, "decorator_list", []):
                func = decorator.func if isinstance(decorator, ast.Call) else decorator
                target = _resolve(
                    func, module.modules, module.objects, {n: f"{module.name}.{n}" for n in module.functions}
                )
                if target:
                    decorators.add(target)
    found = set()
    if "ledger" in package:
        for name, node in package["ledger"].functions.items():
            uses = {n.id for n in _walk(node) if isinstance(n, ast.Name)}
            if uses & {"_CLAIMS", "_TABLES"} and f"ledger.{name}" not in decorators:
                found.add(f"ledger.{name}")
    return frozenset(found)


def _import_all() -> None:
    """Import the package's modules, so every @loader and every ledger registration is recorded."""
    for name in _package():
        if name != "__main__":
            importlib.import_module(package.dotted(name))
    ledger._load_registrations()


def _dotted(name: str) -> str:
    """A package object's full name: ``kazstat.internet_users`` -> ``companion.sources.kazstat.internet_users``."""
    module, _, rest = name.partition(".")
    return f"{package.dotted(module)}.{rest}" if module in package.files() else f"{PACKAGE}.{name}"


def reach(start: _Reads) -> _Reads:
    """Everything some code reaches through the package's call graph: the functions it calls and
    what they call (with the constant arguments of each call carried into the callee), the raw
    files each loader reads for those arguments (every file it can read where they are not
    constants), and the published files named on the way."""
    _import_all()
    package, registered, evaluators = _package(), _registered(), _evaluators()
    # a ledger evaluation reaches the registered computations the code names (claim ids), else all
    named = [fn for claim, fn in registered.items() if claim in start.strings] or list(registered.values())
    total = _Reads()
    total.update(start)
    todo, seen = list(start.calls), set()
    while todo:
        name, args, kwargs = todo.pop()
        context = (name, repr(args), repr(sorted((kwargs or {}).items())))
        if context in seen:
            continue
        seen.add(context)
        total.functions.add(name)
        found = sources.LOADERS.get(_dotted(name))
        if found:
            keys = found.reads(*args, **kwargs) if found.keys_of and args is not None else found.among
            total.keys.setdefault(name, set()).update(keys)
        module_name, _, function = name.partition(".")
        module = package[module_name]
        node = module.functions[function.split(".")[0]]
        env = _bind(node, module, args, kwargs)
        reads = _scan([node], module.modules, module.objects, module_name, env, _hidden(node))
        total.update(reads)
        todo.extend(reads.calls)
        if name in evaluators:
            todo.extend((fn, None, None) for fn in named if _known(fn))
    return total


# ------------------------------------------------------------------ the notebooks


def _statements(path: Path) -> list[ast.stmt]:
    statements = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            statements += ast.parse("".join(cell["source"])).body
        except SyntaxError:  # cell magics and the like
            continue
    return statements


def _defines(stmt: ast.stmt) -> set[str]:
    """Names a statement (re)binds or changes: assignment targets, imports, definitions, and the
    objects whose methods it calls as statements (``ax.plot(...)`` changes ``ax``)."""
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            receiver = node.value.func
            while isinstance(receiver, (ast.Attribute, ast.Subscript)):
                receiver = receiver.value
            if isinstance(receiver, ast.Name) and isinstance(node.value.func, ast.Attribute):
                names.add(receiver.id)
    return names


def _uses(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def backward_slice(statements: list[ast.stmt], index: int) -> list[ast.stmt]:
    """The statements before ``statements[index]`` that define what it uses, recursively, and it."""
    needed, kept = _uses(statements[index]), [statements[index]]
    for stmt in reversed(statements[:index]):
        if _defines(stmt) & needed:
            kept.append(stmt)
            needed |= _uses(stmt)
    return kept[::-1]


def _is_save(stmt: ast.stmt, modules: dict[str, str]) -> ast.Call | None:
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "save"
            and isinstance(node.func.value, ast.Name)
            and modules.get(node.func.value.id) == "figures"
        ):
            return node
    return None


def _calls(path: Path):
    """(owner name, attribute, call node) of every ``owner.attribute(...)`` call in a notebook's code."""
    for stmt in _statements(path):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value.id if isinstance(node.func.value, ast.Name) else None
                yield owner, node.func.attr, node


def _literal(node, default=None):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return default


def notebook_figures(path: Path) -> list[dict]:
    """Every figure a notebook saves, with what its computation reaches."""
    statements = _statements(path)
    modules, objects = _imports(ast.Module(body=statements, type_ignores=[]), None)
    figures = []
    for index, stmt in enumerate(statements):
        call = _is_save(stmt, modules)
        if call is None or len(call.args) < 2 or not isinstance(_literal(call.args[1]), str):
            continue
        part = backward_slice(statements, index)
        reads = _scan(part, modules, objects, None)
        kwargs = {kw.arg: _literal(kw.value) for kw in call.keywords if kw.arg}
        figures.append(
            {
                "name": _literal(call.args[1]),
                "title": kwargs.get("title") or _literal(call.args[1]),
                "declared_sources": kwargs.get("sources") or [],
                "reads": reach(reads),
                "calls": {target for target, _, _ in reads.calls},
            }
        )
    return figures


# ------------------------------------------------------------------ the list


def chapter_order() -> list[str]:
    """The chapter folders in the order of ``_toc.yml``."""
    toc = read_yaml(ROOT / "_toc.yml")
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [f.split("/")[1] for f in files if f.startswith("chapters/")]


def article_names() -> pd.DataFrame:
    """The article's own name for each exhibit (our small mapping), indexed by exhibit."""
    names = published.checked(pd.read_csv(NAMES_FILE, dtype=str, keep_default_na=False), NAMES_FILE)
    return names.set_index("exhibit")


def _computing(functions) -> list[str]:
    package = _package()
    return sorted(
        f
        for f in functions
        if f.split(".")[0] not in TOOLING
        and isinstance(package[f.split(".")[0]].functions.get(f.split(".")[1]), ast.FunctionDef)
    )


def _row(chapter, exhibit, kind, title, notebook, calls, reads: _Reads, outputs, names) -> dict:
    if exhibit not in names.index:
        raise KeyError(
            f"exhibit {exhibit!r} ({notebook}) has no row in {NAMES_FILE.relative_to(ROOT)}: "
            f"add its article's own name for it (or '{BEYOND}')"
        )
    keys = sorted({k for ks in reads.keys.values() for k in ks})
    return {
        "chapter": chapter,
        "exhibit": exhibit,
        "kind": kind,
        "article": names.at[exhibit, "article"],
        "article_name": names.at[exhibit, "article_name"],
        "title": title,
        "notebook": notebook,
        "calls": " ".join(_computing(calls)),
        "functions": " ".join(_computing(reads.functions)),
        "loaders": " ".join(sorted(reads.keys)),
        "raw_files": " ".join(keys),
        "published": " ".join(sorted(reads.published)),
        "outputs": outputs,
    }


def exhibits() -> pd.DataFrame:
    """One row per exhibit (figure or printed table) of the book, in book order."""
    _import_all()
    names = article_names()
    rows = []
    notebooks = [p for chapter in chapter_order() for p in sorted((ROOT / "chapters" / chapter).glob("[0-9]*.ipynb"))]
    for path in notebooks:
        notebook = str(path.relative_to(ROOT))
        for table in sorted(ledger._TABLES.values(), key=lambda t: t.name):
            if table.notebook == notebook:
                compute = f"{package.short_names()[table.compute.__module__]}.{table.compute.__qualname__}"
                reads = reach(
                    _Reads(
                        published={f"data/published/{table.name}.csv"}, calls=[(compute, [], {})], strings={table.name}
                    )
                )
                rows.append(
                    _row(
                        path.parent.name,
                        table.name,
                        "table",
                        f"printed table {table.name} recomputed",
                        notebook,
                        [compute],
                        reads,
                        "ledger rows (python -m companion claims)",
                        names,
                    )
                )
        for fig in notebook_figures(path):
            outputs = " ".join(f"_static/figures/{fig['name']}.{ext}" for ext in FIGURE_FILES)
            rows.append(
                _row(
                    path.parent.name,
                    fig["name"],
                    "figure",
                    fig["title"],
                    notebook,
                    fig["calls"],
                    fig["reads"],
                    outputs,
                    names,
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _code(words: str) -> str:
    return " ".join(f"`{w}`" for w in words.split())


def markdown() -> str:
    """The exhibits as a Markdown table (printed by ``python -m companion exhibits``): the
    functions column names those the notebook (or the ledger, for a printed table) calls; the book's
    page lists every function they reach as well."""
    lines = [
        "| exhibit | article's name | notebook | functions called | loaders | raw files | published |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in exhibits().itertuples():
        name = row.article_name if row.article_name == BEYOND else f"{row.article_name} (article {row.article})"
        lines.append(
            f"| `{row.exhibit}` | {name} | `{row.notebook}` | {_code(row.calls)} | "
            f"{_code(row.loaders)} | {_code(row.raw_files)} | {_code(row.published)} |"
        )
    return "\n".join(lines)
