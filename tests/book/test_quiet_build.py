"""Quiet builds (issue 15): the clean build (the prerun of every notebook, then jupyter-book) prints
no warning a reader cannot act on: kernels use encrypted transport, so none of them warns about
unencrypted TCP, and no other warning or traceback reaches the log."""

import re


def test_no_kernel_transport_warnings(built_book):
    assert "without encryption" not in built_book.log


def test_no_warnings_or_tracebacks_in_the_build_log(built_book):
    noisy = [
        line
        for line in built_book.log.splitlines()
        if re.search(r"warning|traceback|deprecat", line, re.IGNORECASE)
        and not line.lstrip().startswith(("myst", "\x1b[01mmyst"))
    ]  # myst's config dump names options
    assert not noisy, "\n".join(noisy[:20])
