"""The book's command line: python -m companion COMMAND (COMMAND --help says what each command does).

Every command is one entry of ``COMMANDS``: a function that adds its arguments to its parser and a
function that runs it (a new command: one more entry). Expected failures (an unknown data key, a
missing notebook, a bad mirror or data file, a copied checkout) end in one ``error:`` line on stderr
and exit status 2; a closed output pipe (``| head``) ends the command quietly; Ctrl-C (or SIGTERM)
stops the command, its worker processes and their kernels, with status 130.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

INTERRUPTED = 130  # the shell's status for a command stopped by SIGINT


@dataclass(frozen=True)
class Command:
    summary: str  # one line, shown in ``python -m companion --help``
    description: str  # what ``python -m companion COMMAND --help`` says
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int | None]  # the exit status (None: 0)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


# --- claims ---------------------------------------------------------------------------------------
def _claims_arguments(parser):
    # checked when the command runs (not when the parser is built, which imports nothing of the book)
    parser.add_argument("--article", metavar="ID", help="only this article's claims (an id of data/articles.yaml)")


def _claims(args):
    from companion.core.registry import IDS
    from companion.ledger import ledger

    if args.article is not None and args.article not in IDS:
        raise CommandError(f"no article {args.article!r} in data/articles.yaml (articles: {', '.join(IDS)})")
    ledger(args.article).to_csv(sys.stdout, index=False, lineterminator="\n")


# --- fetch ----------------------------------------------------------------------------------------
def _fetch(args):
    from companion.sources import fetch_all

    for key, path in fetch_all().items():
        print(f"{key}\t{path}")


# --- execute --------------------------------------------------------------------------------------
def _notebooks_argument(parser):
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        metavar="NOTEBOOK",
        help="notebook paths (.ipynb); none means every notebook of the book",
    )


def _notebooks(args) -> list[Path]:
    """The notebooks named (each checked before any runs), or else every notebook of the book."""
    for path in args.notebooks:
        _existing_notebook(path)
    return args.notebooks or _book_notebooks()


def _execute(args):
    from companion.book.notebooks import execute_checked

    for path in _notebooks(args):
        print(f"executing {path}", file=sys.stderr)
        message = execute_checked(path)
        if message is not None:
            raise CommandError(f"{path}: {message}")


def _book_notebooks() -> list[Path]:
    from companion.book.notebooks import NOTEBOOK_DIRS, all_notebooks

    found = all_notebooks()
    if not found:
        from companion.core.checkout import BOOK_ROOT

        raise CommandError(
            f"no notebooks under {', '.join(NOTEBOOK_DIRS)} in {BOOK_ROOT} (the package is "
            f"installed, not checked out?): name the notebooks to run"
        )
    return found


def _existing_notebook(path: Path) -> None:
    if path.suffix != ".ipynb":
        raise CommandError(f"{path} is not a notebook (.ipynb)")
    if not path.is_file():
        raise CommandError(f"notebook {path} does not exist (working directory {Path.cwd()})")


# --- prerun ---------------------------------------------------------------------------------------
def _prerun_arguments(parser):
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="the execution cache folder (default: _build/.jupyter_cache in the book's root)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="notebooks executed at once (default: the number of CPU cores)"
    )
    _notebooks_argument(parser)


def _prerun(args):
    from companion.book.prerun import execute_into_cache
    from companion.core.checkout import BOOK_ROOT

    cache = args.cache or BOOK_ROOT / "_build" / ".jupyter_cache"
    outcome = execute_into_cache(cache, _notebooks(args), workers=args.workers)
    failures = outcome.pop("failures", [])
    print(", ".join(f"{kind}: {len(paths)}" for kind, paths in outcome.items()), file=sys.stderr)
    if failures:  # the build would only show the same error again: stop before it
        html = Path(cache).parent / "html"
        for path in outcome["excepted"] + outcome["errored"]:  # no old page stays published
            try:
                (html / Path(path).resolve().relative_to(BOOK_ROOT)).with_suffix(".html").unlink(missing_ok=True)
            except ValueError:
                pass  # a notebook outside the book has no page
        for line in failures:
            print(f"error: {line}; its page is not published", file=sys.stderr)
        raise SystemExit(2)


# --- exhibits -------------------------------------------------------------------------------------
def _exhibits(args):
    from companion.ledger.exhibits import markdown

    print(markdown())


# --- articles -------------------------------------------------------------------------------------
def _articles(args):
    from companion.core.registry import markdown

    print(markdown())


# --- new-article ----------------------------------------------------------------------------------
def _new_article_arguments(parser):
    parser.add_argument("id", metavar="ID", help="the article's id: the three-digit file number of its copy (e.g. 006)")
    parser.add_argument("--title", required=True, help="the article's title as printed")
    parser.add_argument("--slug", required=True, help="its chapter folder under chapters/ (e.g. e-petitions-kz)")
    parser.add_argument("--authors", default="", help="short authors' label for tables (default: to transcribe)")
    parser.add_argument(
        "--seen",
        required=True,
        metavar="YEAR",
        help="the last year whose published values the article could have seen (its year of publication, or "
        "when its references were consulted): only evidence published by then decides a verdict",
    )


def _new_article(args):
    from companion.book.scaffold import ScaffoldError, new_article
    from companion.sources import ROOT

    try:
        written = new_article(args.id, args.title, args.slug, authors=args.authors, seen=args.seen)
    except ScaffoldError as exc:
        raise CommandError(str(exc)) from None
    for path in written:
        print(path.relative_to(ROOT))
    print(
        f"next: git add the files above, make execute NB=chapters/{args.slug}/01_example_claim.ipynb, "
        f"then make refresh ARTICLE={args.id}; see about/adding-an-article.md",
        file=sys.stderr,
    )


# --- refresh --------------------------------------------------------------------------------------
def _refresh_arguments(parser):
    parser.add_argument(
        "articles", nargs="*", metavar="ID", help="the articles whose chapters to execute (none: every article)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be run and written; change nothing")


def _refresh(args):
    from companion.book.refresh import RefreshError, plan, refresh

    try:
        if args.dry_run:
            print("\n".join(plan(args.articles)))
            return
        changed = refresh(args.articles)
    except RefreshError as exc:
        raise CommandError(str(exc)) from None
    print("\n".join(f"rewrote {name}" for name in changed) if changed else "nothing changed")
    if changed:
        print("next: look at the changes (git diff), git add them, then make test", file=sys.stderr)


# --- pins -----------------------------------------------------------------------------------------
def _pins_arguments(parser):
    parser.add_argument("keys", nargs="+", metavar="KEY", help="data keys declared in data/sources.yaml")


def _pins(args):
    from companion.sources import source

    pairs = ",\n    ".join(f"{key}={source(key).sha256!r}" for key in args.keys)
    print(f"sources.require(\n    {pairs},\n)")


# --- environment ----------------------------------------------------------------------------------
def _environment_arguments(parser):
    parser.add_argument(
        "--write",
        action="store_true",
        help="write this machine's environment as the record (about/computing-environment.json)",
    )
    parser.add_argument("--json", action="store_true", help="print the environment as JSON")


def _environment(args):
    from companion.book.environment import run

    run(args)


# --- launch-cells ---------------------------------------------------------------------------------
def _launch_cells_arguments(parser):
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; fail when a notebook's launch cell is not the generated one",
    )
    _notebooks_argument(parser)


def _launch_cells(args):
    from companion.book import launch
    from companion.core.publication import PublicationError

    paths = _notebooks(args)
    try:
        source = launch.cell()
    except PublicationError as error:
        raise CommandError(str(error)) from None
    if args.check:
        found = launch.problems(paths, source)
        if found:
            raise CommandError(
                f"{len(found)} notebook(s) without the generated launch cell ({'; '.join(found)}): run "
                f"`python -m companion launch-cells`, then `make execute`"
            )
        return
    written = [path for path in paths if launch.write(path, source)]
    for path in written:
        print(launch.shown(path))
    if written:
        print("next: make execute (the rewritten launch cells have no stored output yet)", file=sys.stderr)


# --- release --------------------------------------------------------------------------------------
def _release_arguments(parser):
    sub = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    sub.add_parser("address", help="print the effective address, repository, version and date")
    sub.add_parser("cff", help="print CITATION.cff with this version, date, address and repository")
    archive = sub.add_parser("archive", help="write the versioned release archive and its SHA256SUMS")
    archive.add_argument("--html", type=Path, help="the built book (default: _build/html)")
    archive.add_argument("--pdf", type=Path, help="the PDF (default: _build/pdf/book.pdf)")
    # the figures the built book publishes (not _static/figures, which the last execution rewrote)
    archive.add_argument("--figures", type=Path, help="default: _build/html/_static/figures")
    archive.add_argument("--out", type=Path, help="default: _build/release")


def _release(args):
    from companion.book import release
    from companion.core.publication import PublicationError

    try:
        pub = release.publication()
        if args.what == "address":
            print(
                f"version: {pub.version}\ndate: {pub.date}\n"
                f"address: {pub.base_url or '(none: a local build, citations are relative)'}\n"
                f"repository: {pub.repository or '(none)'}\nbranch: {pub.branch}"
            )
        elif args.what == "cff":
            sys.stdout.write(release.cff_text(pub))
        else:
            html = args.html or release.ROOT / "_build" / "html"
            pdf = args.pdf or release.ROOT / "_build" / "pdf" / "book.pdf"
            figures = args.figures or html / "_static" / "figures"
            out = args.out or release.RELEASE_DIR
            archive = release.write_archive(release.release_members(html, pdf, figures), out)
            print(f"{archive} ({archive.stat().st_size} bytes); {out / 'SHA256SUMS'}")
    except PublicationError as error:
        raise CommandError(str(error)) from None


# --- pdf ------------------------------------------------------------------------------------------
def _pdf_arguments(parser):
    parser.add_argument("--singlehtml", type=Path, help="the single-page build (default: _build/singlehtml)")
    parser.add_argument("--out", type=Path, help="the PDF to write (default: _build/pdf/book.pdf)")


def _pdf(args):
    from companion.book import pdf

    try:
        print(pdf.print_pdf(args.singlehtml or pdf.SINGLEHTML, args.out or pdf.PDF))
    except pdf.PdfError as error:
        raise CommandError(str(error)) from None


# --- numbers --------------------------------------------------------------------------------------
def _numbers(args):
    from companion.ledger import numbers

    frame = numbers.build()
    frame.to_csv(numbers.INDEX, index=False, lineterminator="\n")
    blank = ((frame["claim_id"] == "") & (frame["reason"] == "")).sum()
    print(f"wrote {numbers.INDEX.relative_to(numbers.ROOT)}: {len(frame)} numbers, {blank} still to classify")


# --- house-style ----------------------------------------------------------------------------------
def _house_style_arguments(parser):
    parser.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK", help="notebook paths (.ipynb)")


def _house_style(args):
    from companion.book import house_style

    for path in args.notebooks:
        _existing_notebook(path)
    for path in args.notebooks:
        if house_style.apply(path):
            print(f"tagged {path}")


# --- booklock -------------------------------------------------------------------------------------
def _booklock_arguments(parser):
    parser.add_argument("lockfile", type=Path, metavar="LOCKFILE", help="the lock (make book: _build/.book.lock)")
    parser.add_argument("to_run", nargs=argparse.REMAINDER, metavar="-- COMMAND", help="the command to run")


def _booklock(args):
    from companion.book import booklock

    if not args.to_run:
        raise CommandError("usage: python -m companion booklock LOCKFILE -- COMMAND [ARGUMENT...]")
    return booklock.run(args.lockfile, args.to_run)


COMMANDS: dict[str, Command] = {
    "claims": Command(
        "print every claim with its verdict as CSV",
        "Print the ledger (every numeric claim of the three articles with its recomputed value, "
        "verdict and tolerance) as CSV on stdout, computed from the raw data without running any notebook.",
        _claims_arguments,
        _claims,
    ),
    "fetch": Command(
        "fetch and verify every raw data file",
        "Fetch every raw file declared in data/sources.yaml (from its pinned URL, or from the folder "
        "named by $COMPANION_DATA_MIRROR), check its sha256 and print KEY<tab>local path.",
        _no_arguments,
        _fetch,
    ),
    "execute": Command(
        "execute notebooks in place (refresh their stored outputs)",
        "Execute notebooks in place, each in a fresh kernel with its folder as working directory, "
        "and store their outputs (no timing metadata). Stops at the first cell error.",
        _notebooks_argument,
        _execute,
    ),
    "prerun": Command(
        "execute, in parallel, the notebooks the execution cache lacks",
        "Execute, in parallel, the notebooks whose code jupyter-book's execution cache does not hold "
        "and store the results in that cache (make book runs this before building). A notebook that "
        "fails is not cached and ends the command with one error: line naming it and its failing cell, "
        "exit status 2. When the package, a data declaration, a published table or the execution "
        "settings changed since the cache was filled, the cache is emptied first: every notebook runs.",
        _prerun_arguments,
        _prerun,
    ),
    "exhibits": Command(
        "print the list of tables and figures as Markdown",
        "Print the book's tables and figures, with their notebooks and raw files, as a Markdown table "
        "(the book's page List of tables and figures shows the same).",
        _no_arguments,
        _exhibits,
    ),
    "articles": Command(
        "print the table of articles as Markdown",
        "Print the articles of the registry (data/articles.yaml) with their references and chapter "
        "folders as a Markdown table (the one in README.md).",
        _no_arguments,
        _articles,
    ),
    "new-article": Command(
        "write the files of a new article's chapter",
        "Add an article to the book: its declaration in data/articles.yaml, its module "
        "companion/articleID.py with one example claim computed from data the book has, the claim's "
        "row in data/published/ledger_claims.csv, chapters/SLUG/ with index.md and one example notebook, its "
        "references.bib entry, its _toc.yml chapter and its row on the front page (intro.md). Prints every "
        "file written or changed (git add them). Refuses an id or slug that exists.",
        _new_article_arguments,
        _new_article,
    ),
    "refresh": Command(
        "rerun what an added article touches, print what changed",
        "Make again what an article touches beyond its own files, and nothing else: the README's article "
        "table, the front page's row of every article, the notebooks of the articles' chapters (the IDs "
        "given, or all), of chapters/reproducibility/ and of about/ (all but about/environment.ipynb), "
        "executed in place, and the figure baselines (tests/baseline_images/) of the figures they export. "
        "Prints every file whose content changed. --dry-run prints the plan and changes nothing.",
        _refresh_arguments,
        _refresh,
    ),
    "pins": Command(
        "print the sources.require(...) line pinning data keys",
        "Print the sources.require(...) line that pins the given data keys by their declared sha256, "
        "to paste into a notebook after an intended change of a data file.",
        _pins_arguments,
        _pins,
    ),
    "launch-cells": Command(
        "write the notebooks' launch cell (installs companion in Colab)",
        "Write the launch cell first in every notebook that imports the companion package, from the "
        "template in companion/book/launch.py and the repository and branch of pyproject.toml [tool.companion] "
        "(or $COMPANION_REPOSITORY, $COMPANION_BRANCH): where the package is missing (Colab) it installs "
        "it with the pinned versions, in a checkout or on Binder it does nothing. Prints each rewritten "
        "notebook (re-execute them: make execute). --check changes nothing and fails when a notebook's "
        "launch cell is not the generated one.",
        _launch_cells_arguments,
        _launch_cells,
    ),
    "environment": Command(
        "describe the computing environment, compare it with the record",
        "Print this machine's computing environment (Python, pinned packages, BLAS library and the "
        "kernel it chose, numpy's SIMD extensions, OS, CPU) and what differs from the record of the "
        "environment that produced the stored notebook outputs (about/computing-environment.json). "
        "--write makes this machine's environment the record (make environment-record does this; "
        "nothing else writes it).",
        _environment_arguments,
        _environment,
    ),
    "release": Command(
        "print the address or CITATION.cff, write the archive",
        "address: print the effective address, repository, version and date (pyproject.toml, or "
        "$COMPANION_BASE_URL and $COMPANION_REPOSITORY); cff: print CITATION.cff with them; archive: write "
        "_build/release/companion-<version>.tar.gz (the HTML book, the PDF, the ledger as CSV and JSON, "
        "every figure's files and CITATION.cff, with a SHA256SUMS manifest inside) and a SHA256SUMS beside it.",
        _release_arguments,
        _release,
    ),
    "pdf": Command(
        "print the single-page build as the book's PDF",
        "Print the single-page HTML build (_build/singlehtml) to _build/pdf/book.pdf with headless "
        "Chromium, code folded away (make pdf builds the single page first).",
        _pdf_arguments,
        _pdf,
    ),
    "numbers": Command(
        "rewrite the index of the numbers in the article copies",
        "Rewrite data/published/numbers_index.csv from the article copies, keeping every classification "
        "made so far (each number printed in an article: the claim it is, or the reason it is none).",
        _no_arguments,
        _numbers,
    ),
    "house-style": Command(
        "tag notebook cells as the house style says",
        "Set the house style's cell tags (set-up and plotting inputs folded, the launch cell removed) "
        "in the notebooks named, without touching their sources or outputs.",
        _house_style_arguments,
        _house_style,
    ),
    "booklock": Command(
        "run a command holding the checkout's build lock",
        "Run COMMAND while holding an exclusive lock on LOCKFILE (make book: _build/.book.lock): a second "
        "make book started meanwhile says it waits for the first, then builds after it.",
        _booklock_arguments,
        _booklock,
    ),
}


class CommandError(Exception):
    """An expected failure of a command: reported as one ``error:`` line."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m companion",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.arguments(sub.add_parser(name, help=command.summary, description=command.description))
    return top


def _expected(exc: BaseException) -> bool:
    from companion.core.checkout import CheckoutError

    if isinstance(exc, (CommandError, CheckoutError, FileNotFoundError)):
        return True
    from companion.sources import DataFileError, UnknownKeyError  # imported fine, since the command got this far
    from companion.sources.validate import SchemaError

    return isinstance(exc, (DataFileError, UnknownKeyError, SchemaError))


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:  # KeyError's str() wraps its message in quotes
        return str(exc.args[0])
    return str(exc)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _utf8_streams() -> None:
    """Write UTF-8 whatever the terminal's locale says (``LC_ALL=C``, ``PYTHONUTF8=0``): the book's
    names and quotes are not ASCII, and an ASCII stream would stop a listing halfway."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


def main(argv=None) -> int:
    _utf8_streams()
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop as cleanly on SIGTERM as on Ctrl-C
    try:
        status = COMMANDS[args.command].run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head -1`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)  # no second error when Python flushes stdout at exit
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # workers and kernels are stopped on the way out (notebooks, prerun)
        print(f"interrupted: python -m companion {args.command} stopped", file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        # no interpreter teardown: an interrupted execution leaves a thread waiting on its (killed)
        # kernel, and nbclient's exit handler would try to shut that kernel down again
        os._exit(INTERRUPTED)
    except Exception as exc:
        if not _expected(exc):
            raise
        print(f"error: {_message(exc)}", file=sys.stderr)
        return 2
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
