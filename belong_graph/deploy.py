"""HAProxy's configuration for replicas (``belong-graph deploy haproxy``): N application
processes (``belong-graph serve``) and M engine replicas (``oxigraph serve-read-only``), written
from the template ``deploy/haproxy.cfg.in``; and Varnish's in front of it (``belong-graph deploy
varnish``, from ``deploy/varnish.vcl.in``), the HTTP cache of the applications' answers.

Clients reach the applications through one frontend; the applications' ``store_url`` is a second
frontend that balances the engines (each backend of them from ``deploy/haproxy-engines.cfg.in``).
Both check their servers' health and replay a failed idempotent request on another server. Each
query names the dataset version its application serves (``remote.VERSION_HEADER``), which a
rollout uses: the engines of the version being replaced stay in a backend of their own
(:class:`Previous`) until no application asks for it, so every answer reads one version's graph.

A new build reaches the applications by :func:`make_current` (``belong-graph deploy current``):
copied into their store folder, then ``current`` moved with one rename, which each ``serve``
follows (see *Live reload*).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

from belong_graph import leases
from belong_graph.build import point_current_to
from belong_graph.errors import SettingError
from belong_graph.remote import VERSION_HEADER
from belong_graph.settings import PROJECT_ROOT
from belong_graph.store import DatasetVersion

PARTIAL = ".partial"

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.in"
ENGINES_TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy-engines.cfg.in"
DIGEST = re.compile(r"[0-9a-f]+")  # a dataset version (DatasetVersion.digest)
VARNISH_TEMPLATE = PROJECT_ROOT / "deploy" / "varnish.vcl.in"


@dataclass(frozen=True)
class Previous:
    """The engines of an older dataset version, kept during a rollout for the applications
    that still serve it."""

    digest: str
    engines: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Previous:
        """``DIGEST=HOST:PORT[,HOST:PORT...]`` (``--previous``)."""
        digest, _, addresses = text.partition("=")
        if not DIGEST.fullmatch(digest) or not addresses:
            raise SettingError(
                f"--previous {text!r} is not DIGEST=HOST:PORT[,HOST:PORT...], DIGEST being the "
                "dataset version those engines hold (its version.json, or /health)."
            )
        return cls(digest, tuple(addresses.split(",")))


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
    previous: tuple[Previous, ...] = ()  # older versions' engines, kept during a rollout

    @property
    def store_url(self) -> str:
        """The ``store_url`` the applications are started with."""
        return f"http://127.0.0.1:{self.engine_port}/query"


def haproxy_config(replicas: Replicas, template: Path = TEMPLATE) -> str:
    """HAProxy's configuration for ``replicas``."""
    if not replicas.apps or not replicas.engines:
        raise SettingError("HAProxy needs at least one application and one engine.")
    digests = [previous.digest for previous in replicas.previous]
    if len(set(digests)) < len(digests):
        raise SettingError(f"--previous names a version twice: {', '.join(digests)}.")
    backends = [("engines", replicas.engines)]
    backends += [(f"engines-{p.digest}", p.engines) for p in replicas.previous]
    return Template(template.read_text(encoding="utf-8")).substitute(
        apps=_servers("app", replicas.apps),
        engines="\n\n".join(_engines(name, addresses) for name, addresses in backends),
        version_header=VERSION_HEADER,
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


def _engines(name: str, addresses: tuple[str, ...]) -> str:
    """The backend ``name``: engines at ``addresses``."""
    template = Template(ENGINES_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(name=name, servers=_servers("engine", addresses)).rstrip()


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
