"""Claim permalinks in the built book (issue 16, item 4): every link to a claim (an ``href`` holding
``#claim-``) on any page names an existing page and an existing id there, and every claim of the
ledger (the CSV the ledger page publishes) has its anchor ``claim-<claim_id>`` on the ledger page."""

from __future__ import annotations

import csv
import io

from test_browser import book_pages, parse, resolve

from companion import ledger


def test_every_claim_link_lands_on_its_claim(built_book):
    html = built_book.html.resolve()
    assert (html / "index.html").is_file(), "the book did not build:\n" + built_book.log[-3000:]
    page = html / ledger.LEDGER_PAGE
    ids = parse(page).ids
    claims = list(csv.DictReader(io.StringIO((html / "_static" / "ledger" / "ledger.csv").read_text(encoding="utf-8"))))
    assert len(claims) > 100
    missing = [c["claim_id"] for c in claims if ledger.claim_anchor(c["claim_id"]) not in ids]
    assert not missing, f"claims without their anchor on {ledger.LEDGER_PAGE}: {missing}"
    links, problems = 0, []
    for source in book_pages(html):
        for line, _where, url in parse(source).urls:
            if "#claim-" not in url:
                continue
            links += 1
            target, fragment, problem = resolve(html, source, url)
            if problem or target is None:
                problems.append(f"{source.relative_to(html)}:{line} {url}: {problem or 'external'}")
            elif fragment not in parse(target).ids:
                problems.append(f"{source.relative_to(html)}:{line} {url}: no id {fragment!r}")
    assert links >= len(claims), f"only {links} claim links in the book"
    assert not problems, "\n".join(problems)
