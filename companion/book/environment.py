"""The computing environment: what produced the stored notebook outputs, and how a run differs from it.

A replication report names its computing environment; so does this book. :func:`current` describes
the machine a process runs on -- Python, every package pinned in ``requirements.txt`` and every other
installed distribution with its version, the BLAS library and the kernel it chose (threadpoolctl),
numpy's SIMD extensions in use, the variables that steer them, the OS and the CPU model.

``make environment-record`` writes it to :data:`RECORD` (``python -m companion environment --write``),
only when asked: on the machine that re-executed every notebook, so the record says what produced
the stored outputs. Nothing else writes it (``make execute`` changes only notebooks). The book's page
*Computing environment* shows the record; when a test run's outputs differ from the stored ones, the
test report adds what differs between this machine and the record (``tests/conftest.py``).
"""

from __future__ import annotations

import json
import os
import platform
import re
from importlib import metadata
from pathlib import Path

from companion.sources import ROOT

RECORD = ROOT / "about" / "computing-environment.json"
REQUIREMENTS = ROOT / "requirements.txt"

# environment variables that send numpy or the BLAS library down other code paths (or thread counts)
STEERING = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NPY_DISABLE_CPU_FEATURES",
    "NPY_ENABLE_CPU_FEATURES",
)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_packages() -> dict[str, str]:
    """``name: version`` of every ``name==version`` line of requirements.txt."""
    pins = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)", line)
        if match:
            pins[_canonical(match.group(1))] = match.group(2)
    return dict(sorted(pins.items()))


def _installed() -> dict[str, str]:
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[_canonical(name)] = dist.version
    return dict(sorted(found.items()))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> list[dict]:
    """Each BLAS/OpenMP library loaded by numpy and scipy, with the kernel (architecture) it chose."""
    import numpy  # noqa: F401  (load the libraries before asking)
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info

    keep = ("user_api", "internal_api", "prefix", "version", "architecture", "threading_layer", "num_threads")
    libraries = [{k: info.get(k) for k in keep if info.get(k) is not None} for info in threadpool_info()]
    return sorted(libraries, key=lambda d: (d.get("internal_api", ""), d.get("prefix", ""), d.get("version", "")))


def _numpy_simd() -> dict:
    from numpy._core import _multiarray_umath as umath

    features = umath.__cpu_features__
    return {
        "baseline": list(umath.__cpu_baseline__),
        "dispatch_in_use": [f for f in umath.__cpu_dispatch__ if features.get(f)],
        "dispatch_available_not_used": [f for f in umath.__cpu_dispatch__ if not features.get(f)],
    }


def current() -> dict:
    """This process's computing environment (see the module docstring)."""
    installed = _installed()
    pins = pinned_packages()
    return {
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation()},
        "os": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "libc": " ".join(platform.libc_ver()).strip(),
        },
        "cpu": {"model": _cpu_model(), "logical_cores": os.cpu_count()},
        "blas": _blas(),
        "numpy_simd": _numpy_simd(),
        "steering_variables": {name: os.environ.get(name) for name in STEERING if os.environ.get(name)},
        "pinned_packages": {
            name: {"pinned": version, "installed": installed.get(name)} for name, version in pins.items()
        },
        "other_packages": {name: version for name, version in installed.items() if name not in pins},
    }


def read_record(path: Path = RECORD) -> dict:
    if not path.is_file():
        raise FileNotFoundError(
            f"no computing-environment record at {path}: run `make environment-record` "
            "(or python -m companion environment --write) to make one"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def write_record(path: Path = RECORD) -> Path:
    path.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _flatten(value, prefix="") -> dict[str, str]:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            out = {}
            for index, item in enumerate(value):
                label = " ".join(str(item[k]) for k in ("internal_api", "version") if item.get(k)) or str(index)
                out.update(_flatten(item, f"{prefix}[{label}]"))
            return out
        return {prefix: ", ".join(map(str, value))}
    return {prefix: "" if value is None else str(value)}


# what can change a computed value's last bits; the rest (other packages, OS release) is listed after
_NUMERIC = ("blas", "numpy_simd", "steering_variables", "cpu", "pinned_packages", "python")


def differences(record: dict | None = None, now: dict | None = None) -> list[str]:
    """One line per item of the environment that differs from the record, the items that can change
    numeric results first (BLAS kernel, numpy SIMD, steering variables, CPU, pinned packages)."""
    record = read_record() if record is None else record
    now = current() if now is None else now
    old, new = _flatten(record), _flatten(now)
    lines = []
    for key in sorted(set(old) | set(new), key=lambda k: (not k.startswith(_NUMERIC), k)):
        if key.startswith("other_packages.") and (key not in old or key not in new):
            continue  # a tool installed beside the book (a linter, JupyterLab) changes no result
        if old.get(key, "(absent)") != new.get(key, "(absent)"):
            lines.append(f"{key}: record {old.get(key, '(absent)')!s}, this run {new.get(key, '(absent)')!s}")
    return lines


def explain_differences() -> str:
    """A paragraph for a failing test report: what differs between this machine and the record."""
    try:
        found = differences()
    except Exception as exc:  # the report must not fail because the environment cannot be read
        return f"(could not compare the computing environment with the record: {exc})"
    if not found:
        return (
            "This run's computing environment matches the record of the stored outputs "
            f"({RECORD.relative_to(ROOT)}): the difference is not explained by the machine."
        )
    return (
        "This run's computing environment differs from the one that produced the stored outputs "
        f"({RECORD.relative_to(ROOT)}):\n  " + "\n  ".join(found)
    )


def as_text(env: dict) -> str:
    return "\n".join(f"{key}: {value}" for key, value in _flatten(env).items())


def run(args) -> None:
    if args.write:
        print(f"wrote {write_record().relative_to(ROOT)}")
        return
    now = current()
    print(json.dumps(now, indent=1, sort_keys=True) if args.json else as_text(now))
    if RECORD.is_file():
        found = differences(now=now)
        print(f"\nDifferences from the record ({RECORD.relative_to(ROOT)}): {len(found)}")
        for line in found:
            print(f"  {line}")
