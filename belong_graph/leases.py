"""Leases on build folders: which processes use a build, so that none is removed under them.

A process that writes a build folder or serves one (the server, for itself and its query
workers, which end with it) holds a lease on it: an empty file in the store folder's
``.leases/`` named after the build folder, the process's id and start time, and a token of its
own. Old builds are removed only when no lease on them is held. A lease of a process that has
ended (a crash leaves its file behind) or whose id now names another process (same id, another
start time) holds nothing, and is removed with its build.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

LEASES = ".leases"


def hold(folder: Path) -> Path:
    """Lease ``folder`` (it need not exist yet) for this process; the lease's file."""
    lease = folder.parent / LEASES / f"{folder.name}.{os.getpid()}.{_started(os.getpid())}"
    lease = lease.with_name(f"{lease.name}.{uuid.uuid4().hex[:8]}")
    lease.parent.mkdir(parents=True, exist_ok=True)
    lease.touch()
    return lease


def release(lease: Path) -> None:
    lease.unlink(missing_ok=True)


def held(folder: Path) -> bool:
    """Whether a running process holds a lease on ``folder``."""
    return any(_alive(lease) for lease in _leases(folder))


def remove_unused(store_dir: Path, *, keep: set[Path]) -> list[Path]:
    """Remove the build folders of ``store_dir`` that are not in ``keep`` (resolved) and that
    no running process holds, with their stale leases; the folders removed."""
    removed = []
    for folder in sorted(store_dir.glob("build-*")):
        if folder.resolve() in keep or held(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    for lease in _all_leases(store_dir):  # stale ones on folders that are gone
        if not _alive(lease) and not (store_dir / _folder_name(lease)).exists():
            release(lease)
    return removed


def _leases(folder: Path) -> list[Path]:
    return [lease for lease in _all_leases(folder.parent) if _folder_name(lease) == folder.name]


def _all_leases(store_dir: Path) -> list[Path]:
    directory = store_dir / LEASES
    return list(directory.iterdir()) if directory.is_dir() else []


def _folder_name(lease: Path) -> str:
    return lease.name.rsplit(".", 3)[0]


def _alive(lease: Path) -> bool:
    """Whether the process that took ``lease`` still runs."""
    _, pid, started, _ = lease.name.rsplit(".", 3)
    return _started(int(pid)) == started


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot), or "" if it does not run (a
    zombie, which has ended but not been reaped, counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return ""
    return "" if fields[0] in "ZX" else fields[19]
