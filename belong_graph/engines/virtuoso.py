"""Virtuoso Open Source (Debian's ``virtuoso-opensource``) as the engine a build is served from.

Each build is loaded into a fresh database in its own folder (blue/green by folder, as for an
Oxigraph server): :func:`publish` writes a ``virtuoso.ini`` there, starts ``virtuoso-t`` on free
loopback ports, bulk-loads the build's N-Quads snapshot into its named graphs, creates the
account the application reads with, and stops it; ``virtuoso-t +foreground +configfile
FOLDER/virtuoso.ini`` then serves it on the ports given, and the load balancer or
``BELONG_STORE_URL`` is switched to it once it answers.

The account may only read (Virtuoso's ``SPARQL_SELECT`` role, not ``SPARQL_UPDATE``) and only
the build's graphs (graph-level security: no graph is readable by default, not even Virtuoso's
own), so that its default graph, the union of the graphs it may read, is the dataset's, as the
embedded store's union default graph is. It queries ``/sparql-auth`` (HTTP digest); the
anonymous ``/sparql`` reads the same graphs. The configuration turns off Virtuoso's own query
timeout, which answers a slow query with partial results (its "anytime" answers) rather than an
error, and raises its cap on result rows, which cuts an answer silently: the application bounds
both itself.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from belong_graph.engines import snapshot
from belong_graph.errors import EngineFailed
from belong_graph.store import DATASET_FILE, DatasetVersion

SERVER = "virtuoso-t"
ISQL = "isql-vt"
CONFIG_FILE = "virtuoso.ini"
DBA_PASSWORD_FILE = "dba-password"  # the administrator's password, readable by its owner only
READER_ENDPOINT = "/sparql-auth"  # the endpoint that asks for an account (HTTP digest)
UNNAMED_GRAPH = "urn:belong-graph:unnamed"  # where the snapshot's unnamed triples would go
BUFFERS = 20_000  # 8 kB pages cached in memory (Virtuoso suggests 85,000 a GB of memory)
START_TIMEOUT = 120.0  # seconds; a fresh database takes 3 to 10 s to create


@dataclass(frozen=True)
class Account:
    """The account the application reads with."""

    user: str
    password: str


@dataclass(frozen=True)
class Ports:
    """The loopback ports a Virtuoso listens on."""

    http: int  # SPARQL endpoints
    sql: int  # ISQL, for administration


def free_ports() -> Ports:
    """Two loopback ports free at the time of asking."""
    with socket.socket() as http, socket.socket() as sql:
        http.bind(("127.0.0.1", 0))
        sql.bind(("127.0.0.1", 0))
        return Ports(http=http.getsockname()[1], sql=sql.getsockname()[1])


@dataclass
class Virtuoso:
    """A running ``virtuoso-t`` on a database folder, stopped by its process id."""

    directory: Path
    ports: Ports
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.http}"

    @property
    def reader_endpoint(self) -> str:
        """The SPARQL endpoint the application's account queries."""
        return self.base_url + READER_ENDPOINT

    def isql(self, statements: str, *, password: str) -> str:
        """Run ISQL ``statements`` (given on standard input, so no value in them shows in the
        process list) as the administrator; their output, or :class:`EngineFailed`."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.ports.sql}", "dba", password, "VERBOSE=OFF", "BANNER=OFF"],
            input=statements.encode(),
            capture_output=True,
            timeout=600,
            check=False,
        )
        errors = done.stderr.decode(errors="replace")
        if done.returncode or "*** Error" in errors:
            raise EngineFailed(f"Virtuoso in {self.directory} refused a statement: {errors}")
        return done.stdout.decode(errors="replace")

    def count(self, statement: str, *, password: str) -> int:
        """The number a counting ``statement`` answers."""
        answer = self.isql(statement, password=password).removeprefix("SQL> ").split("\n")[0]
        return int(answer.strip())

    def stop(self) -> None:
        """Stop the server by its process id (Virtuoso shuts down cleanly on SIGTERM)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def write_config(directory: Path, ports: Ports, *, readable: Iterable[Path] = ()) -> Path:
    """Write a minimal ``virtuoso.ini`` for a database in ``directory``, listening on loopback
    ``ports`` only, allowed to read files in ``readable`` folders; its path."""
    allowed = ", ".join([".", *(str(folder.resolve()) for folder in readable)])
    database = directory.resolve()
    config = f"""\
[Database]
DatabaseFile = {database}/virtuoso.db
ErrorLogFile = {database}/virtuoso.log
LockFile = {database}/virtuoso.lck
TransactionFile = {database}/virtuoso.trx
xa_persistent_file = {database}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {database}/virtuoso-temp.db
TransactionFile = {database}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{ports.sql}
DirsAllowed = {allowed}
NumberOfBuffers = {BUFFERS}
MaxDirtyBuffers = {BUFFERS * 3 // 4}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{ports.http}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""
    path = directory / CONFIG_FILE
    path.write_text(config)
    return path


def start(directory: Path, ports: Ports) -> Virtuoso:
    """Start ``virtuoso-t`` on the configuration in ``directory`` and wait until its SPARQL
    endpoint answers (a fresh database is created on the way)."""
    if shutil.which(SERVER) is None:
        raise EngineFailed(f"{SERVER} is not installed: run `make virtuoso` (Debian's package).")
    with (directory / "server.out").open("ab") as output:
        process = subprocess.Popen(
            [SERVER, "+foreground", "+configfile", CONFIG_FILE],
            cwd=directory,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Virtuoso(directory, ports, process)
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(server.base_url + "/sparql?query=ASK%7B%7D"):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            logs = [directory / name for name in ("server.out", "virtuoso.log")]
            log = "".join(path.read_text(errors="replace") for path in logs if path.exists())
            raise EngineFailed(f"Virtuoso did not start in {directory}:\n{log[-2000:]}")
        time.sleep(0.5)
    return server


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def publish(build: Path, target: Path, *, account: Account, ports: Ports) -> None:
    """Load the full build in ``build`` into a new Virtuoso database in ``target`` (a folder
    that must not exist), on free ports, with ``account`` as its reader, and leave it
    configured to serve on ``ports``."""
    snapshot(build)  # a full build, or say so
    version = DatasetVersion.read(build)
    if target.exists():
        raise EngineFailed(f"{target} exists: a build is loaded into a new folder.")
    target.mkdir(parents=True)
    loading = free_ports()
    write_config(target, loading, readable=[build])
    password = secrets.token_urlsafe(24)
    server = start(target, loading)
    try:
        server.isql(f"USER_CHANGE_PASSWORD('dba', 'dba', {_sql_string(password)});", password="dba")
        (target / DBA_PASSWORD_FILE).touch(mode=0o600)
        (target / DBA_PASSWORD_FILE).write_text(password + "\n")
        load_snapshot(server, build, version, password=password)
        add_reader(server, account, version.graphs, password=password)
        server.isql("checkpoint;", password=password)
    finally:
        server.stop()
    write_config(target, ports)


def load_snapshot(server: Virtuoso, build: Path, version: DatasetVersion, *, password: str) -> None:
    """Bulk-load the build's N-Quads snapshot, each quad into its named graph, and check that
    the database holds as many quads as the build."""
    folder = _sql_string(str(build.resolve()))
    server.isql(
        f"ld_dir({folder}, '{DATASET_FILE}', '{UNNAMED_GRAPH}');\nrdf_loader_run();\n",
        password=password,
    )
    failed = server.count(
        "SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;", password=password
    )
    if failed:
        errors = server.isql("SELECT ll_error FROM DB.DBA.load_list;", password=password)
        raise EngineFailed(f"Virtuoso could not load {build / DATASET_FILE}: {errors}")
    graphs = " ".join(f"<{graph}>" for graph in version.graphs)
    quads = server.count(
        f"SPARQL SELECT COUNT(*) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }};",
        password=password,
    )
    if quads != version.quads:
        raise EngineFailed(f"Virtuoso holds {quads} quads of the build's {version.quads}.")


def add_reader(server: Virtuoso, account: Account, graphs: Iterable[str], *, password: str) -> None:
    """Create ``account`` with the right to read ``graphs`` by SPARQL and nothing else; the
    anonymous endpoint reads those graphs only too (no account may read less than it)."""
    user = _sql_string(account.user)
    statements = [
        f"DB.DBA.USER_CREATE({user}, {_sql_string(account.password)});",
        f'GRANT SPARQL_SELECT TO "{_sql_name(account.user)}";',
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0);",
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET({user}, 0);",
    ]
    for graph in graphs:
        for reader in ("'nobody'", user):
            statements.append(
                f"DB.DBA.RDF_GRAPH_USER_PERMS_SET({_sql_string(graph)}, {reader}, 1);"
            )
    server.isql("\n".join(statements) + "\n", password=password)


def _sql_string(value: str) -> str:
    """``value`` as an SQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _sql_name(value: str) -> str:
    """``value`` as the inside of an SQL quoted name."""
    if '"' in value or not value.strip():
        raise EngineFailed(f"{value!r} cannot name a Virtuoso account.")
    return value
