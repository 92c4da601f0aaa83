"""Everything a build publishes beside the store, written into its build folder (so it switches
with the store, atomically) and read back by the server."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from belong_graph.linksets import LinkReport, link_report, read_report, save_report
from belong_graph.phases import phase
from belong_graph.publish import catalogue_index, completions
from belong_graph.publish.dumps import Dump, dump_path, read_dumps, write_dumps
from belong_graph.publish.oai_index import INDEX_FILE, write_index
from belong_graph.publish.sitemap import SITEMAP_LIMIT, write_sitemaps
from belong_graph.publish.statistics import Entity, Statistics, count
from belong_graph.store import DatasetVersion, OxigraphStore

DATASET_SLUG = "dataset/belong-network-library"


def uri_space(base_iri: str) -> str:
    """Where the IRIs of the graph's entities start."""
    return f"{base_iri}id/"


def dataset_iri(base_iri: str) -> str:
    """The IRI of the dataset itself, which the VoID and DCAT description is about."""
    return uri_space(base_iri) + DATASET_SLUG


def publish(store: OxigraphStore, directory: Path, *, base_iri: str) -> None:
    """Write the dumps, statistics, linksets, sitemaps, OAI-PMH item list, catalogue index and
    the query page's autocompletion index of ``store`` into its build folder."""
    with phase("distinct triples"):
        triples = store.snapshot_triples(directory)
    with ThreadPoolExecutor(max_workers=2) as executor:
        counted = executor.submit(count, store, uri_space(base_iri), triples=len(triples))
        write_dumps(store, directory, triples, executor)
        statistics, entities = counted.result()
    del triples  # 0.5 GB at 30,000 synthetic resources
    statistics.save(directory)
    with phase("sitemaps"):
        write_entity_sitemaps(directory, entities, base_iri=base_iri, built=store.version.built)
    with phase("linksets"):
        save_report(link_report(store, base_iri=base_iri), directory)
    with phase("OAI-PMH index"):
        write_index(store, directory / INDEX_FILE, base_iri=base_iri)
    with phase("catalogue index"):
        catalogue_index.write_index(store, directory / catalogue_index.INDEX_FILE)
    with phase("autocompletion index"):
        completions.write_index(
            store,
            directory / completions.INDEX_FILE,
            statistics=statistics,
            uri_space=uri_space(base_iri),
        )


def write_entity_sitemaps(
    directory: Path,
    entities: Sequence[Entity],
    *,
    base_iri: str,
    built: str,
    limit: int = SITEMAP_LIMIT,
) -> None:
    """Write the sitemaps of ``entities`` but the dataset itself, whose page is ``/dataset``,
    and those the library removed."""
    dataset = dataset_iri(base_iri)
    kept = [entity for entity in entities if entity.iri != dataset and not entity.removed]
    write_sitemaps(directory, kept, base_iri=base_iri, built=built, limit=limit)


@dataclass(frozen=True)
class Publication:
    """What one build published, as the server reads it."""

    directory: Path
    version: DatasetVersion
    statistics: Statistics
    dumps: tuple[Dump, ...]
    linksets: LinkReport

    @classmethod
    def read(cls, directory: Path) -> Publication:
        return cls(
            directory,
            DatasetVersion.read(directory),
            Statistics.read(directory),
            read_dumps(directory),
            read_report(directory),
        )

    def dump_named(self, file_name: str) -> Dump | None:
        return next((d for d in self.dumps if d.file_name == file_name), None)

    def dump_path(self, dump: Dump) -> Path:
        return dump_path(self.directory, dump)
