"""One ``make book`` at a time in a checkout: ``python -m companion booklock LOCKFILE -- COMMAND...``.

Runs COMMAND while holding an exclusive lock (``fcntl.flock``) on LOCKFILE (``make book`` uses
``_build/.book.lock``). A second ``make book`` started meanwhile says, in one line, that it waits for
the first one (naming its process), then builds after it: two builds never write the execution
cache, the Sphinx environment or the search index at once. The lock belongs to the open file, so it
is released whatever way the holder ends (even SIGKILL); nothing stale is left to remove.

Ctrl-C while waiting stops at once (exit status 130); Ctrl-C while COMMAND runs reaches COMMAND (the
terminal sends it to the whole foreground group) and this process returns COMMAND's status.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

INTERRUPTED = 130


def _holder(lock) -> str:
    lock.seek(0)
    text = lock.read().strip()
    return f" (process {text})" if text.isdigit() else ""


def acquire(path: Path, out=sys.stderr):
    """Open and lock ``path`` exclusively, waiting (after one line on ``out``) if another process
    holds it. Returns the open file: the lock lasts as long as it stays open."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(
            f"waiting: another `make book` is building this checkout{_holder(lock)}; this one starts when "
            f"it ends (Ctrl-C to stop waiting)",
            file=out,
            flush=True,
        )
        fcntl.flock(lock, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait (KeyboardInterrupt)
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def run(lockfile: Path, command: list[str]) -> int:
    """Run ``command`` holding the lock ``lockfile``; its exit status."""
    try:
        lock = acquire(lockfile)
    except KeyboardInterrupt:
        print("interrupted: stopped waiting for the other `make book`", file=sys.stderr)
        return INTERRUPTED
    with lock:
        child = subprocess.Popen(command)
        # the terminal's Ctrl-C reaches the command itself; a SIGTERM sent to this process is passed on
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
        status = child.wait()
    return 128 - status if status < 0 else status
