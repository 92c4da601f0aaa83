"""The ``belong-graph`` command line: a thin caller of the library."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from belong_graph import build as pipeline
from belong_graph import changes as change_dates
from belong_graph import linksets, synthetic
from belong_graph.errors import BelongError, ValidationFailed
from belong_graph.formats import RDF_FORMATS, rdf_format
from belong_graph.load import parse_file
from belong_graph.ontology import NAMESPACE_MODULE, namespace_module_source
from belong_graph.phases import log_like
from belong_graph.settings import Settings
from belong_graph.sheets import importer, workbook
from belong_graph.sheets.datafiles import export_tables
from belong_graph.store import DatasetVersion
from belong_graph.validate import format_report

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn belong-graph's own errors into a message on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as failure:
            click.echo(format_report(failure.report), nl=False)
            click.echo(failure.message, err=True)
        except BelongError as error:
            click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)

    return wrapper


@click.group()
@click.version_option(package_name="belong-graph")
@click.pass_context
def main(context: click.Context) -> None:
    """Build, check, export and serve the Belong Network Library knowledge graph."""
    context.obj = Settings.load()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
@reports_errors
def validate(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Validate data files (default: data/) against the shapes.

    Prints every finding grouped by resource; exits 1 if there is any violation.
    """
    if paths:
        settings = dataclasses.replace(settings, data_paths=paths)
    report = pipeline.check(settings).report
    click.echo(format_report(report), nl=False)
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.option("--verbose", "-v", count=True, help="Log each phase's time (-vv: each rule's too).")
@click.option(
    "--quick/--full-only",
    default=True,
    help="A small change goes live first by a quick build, the full build following (default).",
)
@click.pass_obj
@reports_errors
def build(settings: Settings, verbose: int, quick: bool) -> None:
    """Validate the data, then build the store atomically."""
    if verbose:
        log_like(logging.INFO if verbose == 1 else logging.DEBUG)
    if quick:
        _say_quick(pipeline.build_quickly(settings))
    version = pipeline.build_store(settings)
    click.echo(
        f"Built dataset version {version.digest}: {version.quads} quads in {settings.store_dir}."
    )


def _say_quick(quick: DatasetVersion | None) -> None:
    if quick is not None:
        click.echo(
            f"Quick build {quick.digest} is live with the change; the full build follows "
            "(lists, counts, dumps and the network as they were until it ends)."
        )


@main.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice([f.name for f in RDF_FORMATS]),
    default="turtle",
    show_default=True,
    help="Serialisation to write.",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.pass_obj
@reports_errors
def export(settings: Settings, format_name: str, output: Path | None) -> None:
    """Write the whole graph: data, ontology, concept schemes and derived triples."""
    data = pipeline.build_in_memory(settings).dump(rdf_format(format_name))
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


@main.command()
@click.pass_obj
@reports_errors
def links(settings: Settings) -> None:
    """Count the outbound links to other datasets, per target and link predicate."""
    store = pipeline.build_in_memory(settings)
    click.echo(
        linksets.format_report(linksets.link_report(store, base_iri=settings.base_iri)), nl=False
    )


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8000).")
@click.option("--threads", type=int, help="HTTP request threads (default 8).")
@click.option("--workers", type=int, help="Query worker processes (default 2).")
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Serve these RDF files or folders instead of data/ (repeatable).",
)
@click.option(
    "--no-validate", is_flag=True, help="With --data: do not validate against the shapes."
)
@click.pass_obj
@reports_errors
def serve(
    settings: Settings,
    host: str | None,
    port: int | None,
    threads: int | None,
    workers: int | None,
    data_paths: tuple[Path, ...],
    no_validate: bool,
) -> None:
    """Serve the graph over HTTP with waitress, building the store first if there is none."""
    from belong_graph.web import serve as serve_app

    options = {"host": host, "port": port, "threads": threads, "workers": workers}
    settings = Settings.load({**vars(settings), **{k: v for k, v in options.items() if v}})
    if warning := settings.contact_warning():
        click.echo(warning, err=True)
    if data_paths:
        served = settings.store_dir.with_name("served-" + _paths_key(data_paths))
        settings = dataclasses.replace(
            settings,
            data_paths=data_paths,
            store_dir=served,
            changes_file=served / "record-dates.tsv",  # not our data's ledger: dated by the build
        )
        pipeline.build_store(settings, validate_data=not no_validate)
    elif pipeline.current_store_dir(settings) is None:
        click.echo("No store yet: building it first.", err=True)
        pipeline.build_store(settings)
    serve_app(settings)


def _paths_key(paths: tuple[Path, ...]) -> str:
    return hashlib.sha256("\0".join(str(p.resolve()) for p in paths).encode()).hexdigest()[:12]


@main.command()
@click.option("--resources", type=click.IntRange(4), default=3000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.pass_obj
def generate(settings: Settings, resources: int, seed: int, output: Path | None) -> None:
    """Write a deterministic synthetic library shaped like the real one, as Turtle."""
    if output is None:
        synthetic.generate(sys.stdout, resources=resources, seed=seed, base_iri=settings.base_iri)
        return
    with output.open("w", encoding="utf-8") as out:
        synthetic.generate(out, resources=resources, seed=seed, base_iri=settings.base_iri)


@main.command()
@click.option("--check", is_flag=True, help="Only check that _bel.py matches the ontology.")
@click.pass_obj
@reports_errors
def namespace(settings: Settings, check: bool) -> None:
    """Regenerate the closed namespace module (belong_graph/_bel.py) from the ontology."""
    ontology = parse_file(settings.ontology_dir / "belong.ttl", base_iri=settings.base_iri)
    source = namespace_module_source(ontology)
    if check:
        if NAMESPACE_MODULE.read_text() != source:
            raise click.ClickException("_bel.py is out of date: run `belong-graph namespace`.")
        return
    NAMESPACE_MODULE.write_text(source)


@main.command()
@click.option("--update", is_flag=True, help="Write the new dates into the ledger.")
@click.option("--check", is_flag=True, help="Exit 1 if the ledger is out of date.")
@click.pass_obj
@reports_errors
def changes(settings: Settings, update: bool, check: bool) -> None:
    """Show which entities changed since the change ledger was written; --update records them.

    A new or changed entity is dated today, an unchanged one keeps its date, a removed one is
    kept as deleted. Commit the ledger with the data change.
    """
    data = pipeline.check(settings, validate_data=False).data
    ledger, after = change_dates.written_and_today(data.store, settings)
    for line in change_dates.differences(ledger, after):
        click.echo(line)
    if update:
        change_dates.write_ledger(after, settings.changes_file)
    elif check and after != ledger:
        raise click.ClickException(
            f"{settings.changes_file} is out of date: run `belong-graph changes --update`."
        )


@main.group()
def engine() -> None:
    """Publish a build to a SPARQL engine, which `serve` then reads (setting store_url)."""


@engine.group("load")
def engine_load() -> None:
    """Load a full build (BUILD_FOLDER, such as var/store/current) into a fresh engine store."""


@engine_load.command("oxigraph")
@click.argument("build_folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@reports_errors
def engine_load_oxigraph(build_folder: Path, target: Path) -> None:
    """Load BUILD_FOLDER into the new Oxigraph directory TARGET, for
    `oxigraph serve-read-only --location TARGET --union-default-graph`."""
    from belong_graph.engines import oxigraph

    oxigraph.load(build_folder.resolve(), target)
    version = DatasetVersion.read(build_folder.resolve())
    click.echo(f"Loaded dataset version {version.digest} ({version.quads} quads) into {target}.")


@engine_load.command("virtuoso")
@click.argument("build_folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("target_dir", type=click.Path(exists=False, path_type=Path))
@click.option("--user", default="belong", show_default=True, help="The read-only account.")
@click.option(
    "--password",
    envvar="BELONG_STORE_PASSWORD",
    prompt=True,
    hide_input=True,
    help="The account's password (default: $BELONG_STORE_PASSWORD, else asked for).",
)
@click.option("--http-port", default=8890, show_default=True, help="Loopback SPARQL port.")
@click.option("--sql-port", default=1111, show_default=True, help="Loopback ISQL port.")
@reports_errors
def engine_load_virtuoso(
    build_folder: Path, target_dir: Path, user: str, password: str, http_port: int, sql_port: int
) -> None:
    """Load BUILD_FOLDER into a new Virtuoso database in TARGET_DIR, readable by --user only."""
    from belong_graph.engines import virtuoso

    ports = virtuoso.Ports(http=http_port, sql=sql_port)
    account = virtuoso.Account(user=user, password=password)
    virtuoso.publish(build_folder, target_dir, account=account, ports=ports)
    click.echo(
        f"Loaded {build_folder} into {target_dir}. Serve it with: cd {target_dir} && "
        f"{virtuoso.SERVER} +foreground +configfile {virtuoso.CONFIG_FILE}  (SPARQL for {user}: "
        f"http://127.0.0.1:{http_port}{virtuoso.READER_ENDPOINT}, HTTP digest)"
    )


@engine.command("check")
@click.argument("build_folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--url", help="The engine's SPARQL query endpoint (default: the store_url setting).")
@click.pass_obj
@reports_errors
def engine_check(settings: Settings, build_folder: Path, url: str | None) -> None:
    """Ask the engine (with store_user, store_password, store_auth) what BUILD_FOLDER's own
    store answers: the quads of each graph, the union default graph, the answer forms and every
    view with its examples. Exit 1 if any answer differs."""
    from belong_graph.catalogue import load_catalogue
    from belong_graph.engines.check import check_engine
    from belong_graph.remote import engine as engine_of

    remote = engine_of(dataclasses.replace(settings, store_url=url or settings.store_url))
    if remote is None:
        raise click.UsageError("Give --url, or set store_url (BELONG_STORE_URL).")
    catalogue = load_catalogue(settings.queries_dir)
    findings = list(check_engine(build_folder.resolve(), remote, catalogue, settings.base_iri))
    for finding in findings:
        click.echo(f"{'ok  ' if finding.agrees else 'DIFF'}  {finding.name}: {finding.detail}")
    differing = sum(not finding.agrees for finding in findings)
    click.echo(f"{len(findings) - differing} of {len(findings)} checks agree at {remote.address}.")
    if differing:
        sys.exit(1)


@main.group()
def deploy() -> None:
    """Run replicas: application processes and engine replicas behind HAProxy, and Varnish."""


@deploy.command("haproxy")
@click.option("--app", "apps", multiple=True, required=True, help="HOST:PORT of a `serve`.")
@click.option(
    "--engine", "engines", multiple=True, required=True, help="HOST:PORT of an engine replica."
)
@click.option("--port", default=8000, show_default=True, help="Loopback port for clients.")
@click.option("--engine-port", default=7878, show_default=True, help="Loopback port for store_url.")
@click.option("--stats-port", default=8404, show_default=True, help="Loopback statistics port.")
@click.option("--check-ms", default=2000, show_default=True, help="Between health checks.")
@click.option("--timeout", default=60, show_default=True, help="Seconds a server may take.")
@click.option(
    "--behind-cache", is_flag=True, help="Varnish in front: pass its X-Forwarded-For on as it is."
)
@click.option(
    "--previous",
    multiple=True,
    metavar="DIGEST=HOST:PORT[,HOST:PORT]",
    help="During a rollout: the engines of the older version DIGEST, for the queries of the "
    "applications still serving it (--engine: the new version's).",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@reports_errors
def deploy_haproxy(output: Path | None, previous: tuple[str, ...], **options: Any) -> None:
    """Write HAProxy's configuration for the replicas, from deploy/haproxy.cfg.in."""
    from belong_graph.deploy import Previous, Replicas, haproxy_config

    kept = tuple(Previous.parse(text) for text in previous)
    _write(haproxy_config(Replicas(previous=kept, **options)), output)


@deploy.command("varnish")
@click.option(
    "--backend", default="127.0.0.1:8000", show_default=True, help="HAProxy's client HOST:PORT."
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@reports_errors
def deploy_varnish(backend: str, output: Path | None) -> None:
    """Write Varnish's VCL for the HTTP cache in front of HAProxy, from deploy/varnish.vcl.in."""
    from belong_graph.deploy import varnish_config

    _write(varnish_config(backend), output)


def _write(config: str, output: Path | None) -> None:
    """``config`` to ``output``, or to stdout."""
    if output is None:
        click.echo(config, nl=False)
    else:
        output.write_text(config, encoding="utf-8")


@deploy.command("current")
@click.argument("build", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_obj
@reports_errors
def deploy_current(settings: Settings, build: Path) -> None:
    """Make BUILD (a build folder, or another store folder's `current`) the build the servers of
    the store folder serve: copied beside the current one, then `current` moved by one rename."""
    from belong_graph.deploy import make_current

    version = make_current(settings.store_dir, build)
    click.echo(
        f"{settings.store_dir / 'current'} -> {build.resolve().name}, version {version.digest}"
    )


@main.group()
def sheet() -> None:
    """The curated data as a spreadsheet: export it, edit it, import it back."""


@sheet.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx: one workbook; csv: PATH is a folder, one CSV file per sheet.",
)
@click.pass_obj
@reports_errors
def sheet_export(settings: Settings, path: Path, format_name: str) -> None:
    """Write the curated data of data/ as a workbook (or a folder of CSV files)."""
    tables = export_tables(importer.data_folder(settings), base_iri=settings.base_iri)
    if format_name == "csv":
        workbook.write_csv(tables, path)
    else:
        workbook.write_xlsx(tables, path)
    click.echo(f"Wrote {sum(len(rows) for rows in tables.values())} rows to {path}.")


@sheet.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option(
    "--build",
    "then_build",
    is_flag=True,
    help="Then build: a small change goes live at once by a quick build, the full build following.",
)
@click.pass_obj
@reports_errors
def sheet_import(settings: Settings, path: Path, dry_run: bool, then_build: bool) -> None:
    """Check a workbook (or folder of CSV files) against the shapes, then write it into data/.

    Every problem names its sheet, row and column; if there is any, nothing is written and
    the command exits 1. With --build (or `belong-graph build` afterwards) the change is
    built, and the running server picks up the new build.
    """
    result = importer.import_tables(path, settings, dry_run=dry_run)
    for line in result.changes or ["No change."]:
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    if result.written:
        click.echo(f"Wrote {', '.join(result.written)} and the change ledger.")
    if then_build and result.written:
        if result.checked is not None and result.compared_with is not None:
            quick = pipeline.go_live_quickly(settings, result.checked, result.compared_with)
            _say_quick(quick)
        version = pipeline.build_store(settings)
        click.echo(f"Built dataset version {version.digest}: {version.quads} quads.")
