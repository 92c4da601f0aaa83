"""HAProxy's configuration for replicas (``belong-graph deploy haproxy``): N application
processes (``belong-graph serve``) and M engine replicas (``oxigraph serve-read-only``), written
from the template ``deploy/haproxy.cfg.in``; and Varnish's in front of it (``belong-graph deploy
varnish``, from ``deploy/varnish.vcl.in``), the HTTP cache of the applications' answers.

Clients reach the applications through one frontend; the applications' ``store_url`` is a second
frontend that balances the engines. Both check their servers' health with a cheap ASK query and
replay a failed idempotent request on another server.

A new build reaches the applications by :func:`make_current` (``belong-graph deploy current``):
copied into their store folder, then ``current`` moved with one rename, which each ``serve``
follows (see *Live reload*).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

from belong_graph import leases
from belong_graph.build import point_current_to
from belong_graph.errors import SettingError
from belong_graph.settings import PROJECT_ROOT
from belong_graph.store import DatasetVersion

PARTIAL = ".partial"

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.in"
VARNISH_TEMPLATE = PROJECT_ROOT / "deploy" / "varnish.vcl.in"


@dataclass(frozen=True)
class Replicas:
    """Where the replicas listen (``HOST:PORT`` each) and where HAProxy listens (loopback)."""

    apps: tuple[str, ...]
    engines: tuple[str, ...]
    port: int = 8000  # the applications, for clients
    engine_port: int = 7878  # the engines, for the applications' store_url
    stats_port: int = 8404
    check_ms: int = 2000  # between two health checks of a server
    timeout: int = 60  # seconds a server may take to answer
    behind_cache: bool = False  # Varnish in front: its X-Forwarded-For names the client

    @property
    def store_url(self) -> str:
        """The ``store_url`` the applications are started with."""
        return f"http://127.0.0.1:{self.engine_port}/query"


def haproxy_config(replicas: Replicas, template: Path = TEMPLATE) -> str:
    """HAProxy's configuration for ``replicas``."""
    if not replicas.apps or not replicas.engines:
        raise SettingError("HAProxy needs at least one application and one engine.")
    return Template(template.read_text(encoding="utf-8")).substitute(
        apps=_servers("app", replicas.apps),
        engines=_servers("engine", replicas.engines),
        port=replicas.port,
        engine_port=replicas.engine_port,
        stats_port=replicas.stats_port,
        check_ms=replicas.check_ms,
        timeout=replicas.timeout,
        # behind Varnish, the X-Forwarded-For it sets (the client last) is passed on as it is;
        # else HAProxy adds the address it was reached from
        forwardfor=" if-none" if replicas.behind_cache else "",
    )


def varnish_config(backend: str, template: Path = VARNISH_TEMPLATE) -> str:
    """Varnish's VCL for a cache in front of HAProxy's client frontend at ``backend``."""
    host, port = _address(backend)
    return Template(template.read_text(encoding="utf-8")).substitute(host=host, port=port)


def _servers(name: str, addresses: tuple[str, ...]) -> str:
    """One ``server`` line per address, named ``name1``, ``name2``..."""
    for address in addresses:
        _address(address)
    return "\n".join(f"    server {name}{i} {a}" for i, a in enumerate(addresses, 1))


def _address(address: str) -> tuple[str, str]:
    """The host and the port of ``HOST:PORT``."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise SettingError(f"{address!r} is not HOST:PORT.")
    return host, port


def make_current(store_dir: Path, build: Path) -> DatasetVersion:
    """Make the build folder ``build`` the one ``store_dir``'s servers serve: copied into
    ``store_dir`` (written beside, renamed once whole) unless it is there, then ``current``
    pointed at it with one rename; its version. A lease holds the copy until it is current, so
    that no server's clean-up of old builds removes it first."""
    version = DatasetVersion.read(build)  # a whole build, else StoreMissing
    source = build.resolve()
    target = store_dir / source.name
    if source == target.resolve():
        point_current_to(store_dir, target)
        return version
    if target.exists():
        raise SettingError(f"{target} exists and is not {source}: nothing was changed.")
    lease = leases.hold(target)
    partial = store_dir / f".{source.name}{PARTIAL}"  # no build-* name: no clean-up takes it
    try:
        shutil.rmtree(partial, ignore_errors=True)  # what a copy that was stopped left
        shutil.copytree(source, partial, symlinks=True)
        partial.rename(target)
        point_current_to(store_dir, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
        leases.release(lease)
    return version
