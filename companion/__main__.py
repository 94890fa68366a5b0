"""Command line: ``python -m companion claims`` prints the ledger as CSV; ``python -m companion fetch``
fetches and verifies every declared raw file."""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    claims = commands.add_parser("claims", help="print every claim with its verdict as CSV on stdout")
    claims.add_argument("--article", choices=["000", "002", "004"], help="only this article's claims")
    commands.add_parser("fetch", help="fetch and verify every raw file declared in data/sources.yaml")
    execute = commands.add_parser("execute", help="execute notebooks in place (default: all of the book's)")
    execute.add_argument("notebooks", nargs="*", help="notebook paths; none means every notebook")
    prerun = commands.add_parser("prerun", help="execute, in parallel, the notebooks that jupyter-book's "
                                 "execution cache lacks (make book runs this before building)")
    prerun.add_argument("--cache", default="_build/.jupyter_cache", help="the cache folder (default: %(default)s)")
    commands.add_parser("exhibits", help="print the list of tables and figures as a Markdown table")
    pins = commands.add_parser("pins", help="print the sources.require(...) line that pins data keys in a notebook")
    pins.add_argument("keys", nargs="+")
    args = parser.parse_args(argv)

    from .sources import DataFileError
    try:
        if args.command == "claims":
            from .ledger import ledger
            ledger(args.article).to_csv(sys.stdout, index=False, lineterminator="\n")
        elif args.command == "execute":
            from .notebooks import all_notebooks, execute
            for path in args.notebooks or all_notebooks():
                print(f"executing {path}", file=sys.stderr)
                execute(path)
        elif args.command == "prerun":
            from pathlib import Path

            from .prerun import execute_into_cache
            outcome = execute_into_cache(Path(args.cache))
            for kind, paths in outcome.items():
                print(f"{kind}: {len(paths)}" + "".join(f"\n  {p}" for p in paths if kind != "succeeded"),
                      file=sys.stderr)
        elif args.command == "exhibits":
            from .exhibits import markdown
            print(markdown())
        elif args.command == "pins":
            from .sources import source
            pairs = ",\n    ".join(f"{key}={source(key).sha256!r}" for key in args.keys)
            print(f"sources.require(\n    {pairs},\n)")
        else:
            from .sources import fetch_all
            for key, path in fetch_all().items():
                print(f"{key}\t{path}")
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
