"""Provenance of a results folder (`manifest.json`) and atomic file writing.

Everything that varies between two runs of the same command (times, machine) lives only in the
manifest, so the data files next to it are byte-identical across repeated runs.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import IO, Any

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def now_iso() -> str:
    """The current time as an ISO 8601 string in UTC, to the second."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _git(*args: str) -> str | None:
    """Output of a git command run in the package's source tree, or None if that fails."""
    try:
        out = subprocess.run(
            ["git", "-C", str(PACKAGE_ROOT), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def git_commit() -> str | None:
    """The commit the package's source tree is at, or None (no git, not a repository, no commit)."""
    return _git("rev-parse", "--verify", "--quiet", "HEAD") or None


def git_dirty() -> bool | None:
    """Whether the model's sources (sim/, scenarios/, pyproject.toml) differ from the commit,
    untracked files included (None if unknown)."""
    if git_commit() is None:
        return None
    out = _git("status", "--porcelain", "--", "sim", "scenarios", "pyproject.toml")
    return None if out is None else bool(out)


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def environment() -> dict[str, Any]:
    """Platform and the versions of the interpreter and the numerical stack."""
    import numpy

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "mesa": package_version("mesa") or package_version("Mesa"),
        "numpy": numpy.__version__,
        "pandas": package_version("pandas"),
        "matplotlib": package_version("matplotlib"),
    }


def scenario_record(scenario: Any) -> dict[str, Any]:
    """What identifies a scenario: name, file, content hash, effective parameters and events."""
    path = scenario.path
    return {
        "name": scenario.name,
        "path": path,
        "file_sha256": file_sha256(path) if path and Path(path).is_file() else None,
        "content_hash": scenario.content_hash(),
        "description": scenario.description,
        "steps": scenario.steps,
        "params": dict(scenario.params),
        "events": [{"month": e.month, "kind": e.kind, **dict(e.values)} for e in scenario.events],
    }


def build_manifest(
    *,
    scenario: Any,
    root_seed: int | None,
    replicate_seeds: list[int],
    steps: int,
    overrides: dict[str, Any],
    argv: list[str],
    started: str,
    finished: str,
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest of one `county-sim run` (a JSON-serialisable dict)."""
    from . import __version__

    return {
        "package": "county-sim",
        "version": __version__,
        "model_version": int(scenario.params["model_version"]),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "scenario": scenario_record(scenario),
        "root_seed": root_seed,
        "replicates": len(replicate_seeds),
        "replicate_seeds": [int(s) for s in replicate_seeds],
        "seed_derivation": "replicate r of root seed S: SeedSequence(S).spawn(r + 1)[r] (sim.replicate_seed)",
        "steps": steps,
        "overrides": dict(overrides),
        "command": argv,
        "cwd": os.getcwd(),
        "started": started,
        "finished": finished,
        **environment(),
        "files": dict(files or {}),
    }


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in `path`'s folder with the permissions a plain `open` would give."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())
    return fd, tmp


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; on success it replaces `path` in one step.

    On any exception (including KeyboardInterrupt) the temporary file is removed and `path` is
    untouched, so an interrupted run never leaves a half-written file.
    """
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | Path, writer: Callable[[str], Any]) -> None:
    """Call `writer(tmp_path)` to produce a file, then move it onto `path` atomically."""
    path = Path(path)
    fd, tmp = _temp_beside(path)
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON (indented, UTF-8, trailing newline) atomically."""
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, indent=2, ensure_ascii=False, default=_json_default)
        f.write("\n")


def _json_default(obj: Any) -> Any:
    """Convert NumPy scalars and paths for JSON."""
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def command_line(argv: list[str] | None) -> list[str]:
    """The command as typed: program name and arguments."""
    args = sys.argv[1:] if argv is None else list(argv)
    return ["county-sim", *args]
