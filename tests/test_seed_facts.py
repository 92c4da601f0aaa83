"""Every fact of the two seed documents is in the graph: one SPARQL question per fact.

The expected answers come from the seeds in ../shared/seeds/ (the Research and Resources page,
"research", and the Belong Network Library listing, "library"), not from our own data files; the
facts an audit corrected also read, from the seed files themselves, the sentence they rest on.
"""

from __future__ import annotations

import csv

import pyoxigraph as ox
import pytest

from belong_graph.settings import PROJECT_ROOT
from belong_graph.store import OxigraphStore
from tests.conftest import DISCRIMINATION_AUTHORS

PROLOGUE = """
BASE <https://data.belongnetwork.co.uk/>
PREFIX bel: <https://data.belongnetwork.co.uk/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def ask(store: OxigraphStore, query: str) -> bool:
    result = store.query(PROLOGUE + query)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def select(store: OxigraphStore, query: str) -> list[tuple[str, ...]]:
    result = store.query(PROLOGUE + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(row[n].value) if row[n] is not None else "" for n in names) for row in result]


def participation(member: str, project: str, role: str, source: str) -> str:
    return f"""ASK {{ ?p a bel:Participation ; org:member <id/{member}> ;
        org:organization <id/project/{project}> ; org:role <id/role/{role}> ;
        prov:wasDerivedFrom <id/source/{source}> }}"""


# Research and Resources page ---------------------------------------------------------------------

RESEARCH_FACTS = {
    "Belong and DLUHC in regular communication on social cohesion": participation(
        "organisation/dluhc",
        "communication-with-government-on-social-cohesion",
        "government-liaison",
        "research-and-resources",
    ),
    "Belong and DCMS in regular communication on social cohesion": participation(
        "organisation/dcms",
        "communication-with-government-on-social-cohesion",
        "government-liaison",
        "research-and-resources",
    ),
    "DCMS works with Belong on disseminating the Power of Connection toolkit": participation(
        "organisation/dcms",
        "power-of-connection-toolkit-dissemination",
        "dissemination-partner",
        "research-and-resources",
    ),
    "the dissemination is of the Power of Connection toolkit": """ASK {
        <id/project/power-of-connection-toolkit-dissemination> prov:used ?toolkit .
        ?toolkit dcterms:title "Power of Connection toolkit"@en }""",
    "Dame Sara Khan leads the Review of Social Cohesion and Community Resilience": """ASK {
        <id/project/review-of-social-cohesion-and-community-resilience> a bel:Review ;
            schema:name "Review of Social Cohesion and Community Resilience"@en ;
            bel:expectedPublication "Spring 2024"@en ; bel:ledBy ?khan .
        ?khan schema:name "Sara Khan" ; schema:honorificPrefix "Dame" }""",
    "Belong contributed to the review (call for evidence, measurement research)": """ASK {
        ?p org:member <id/organisation/belong> ; org:role <id/role/contributor> ;
           org:organization <id/project/review-of-social-cohesion-and-community-resilience> ;
           dcterms:description ?d .
        FILTER (CONTAINS(?d, "framing the call for evidence")
                && CONTAINS(?d, "social cohesion measurement frameworks")) }""",
    "measurement frameworks research is in partnership with the University of Kent": """ASK {
        <id/project/social-cohesion-measurement-frameworks-research>
            bel:contributesTo <id/project/review-of-social-cohesion-and-community-resilience> ;
            bel:ledBy <id/organisation/belong> ;
            schema:member <id/organisation/university-of-kent> }""",
    "Beyond Us and Them findings developed in partnership with Kent's CSGP": participation(
        "organisation/centre-for-the-study-of-group-processes",
        "beyond-us-and-them",
        "research-partner",
        "research-and-resources",
    ),
    "the CSGP is a centre of the University of Kent": """ASK {
        <id/organisation/centre-for-the-study-of-group-processes> a bel:ResearchCentre ;
            schema:name "Centre for the Study of Group Processes"@en ;
            org:unitOf <id/organisation/university-of-kent> }""",
    "Beyond Us and Them findings shared regularly with DLUHC": participation(
        "organisation/dluhc", "beyond-us-and-them", "findings-recipient", "research-and-resources"
    ),
    "Beyond Us and Them findings shared with GO-Science during the pandemic": participation(
        "organisation/go-science",
        "beyond-us-and-them",
        "findings-recipient",
        "research-and-resources",
    ),
    "Beyond Us and Them findings shared with SAGE during the pandemic": participation(
        "organisation/sage", "beyond-us-and-them", "findings-recipient", "research-and-resources"
    ),
    "Beyond Us and Them is funded by the Nuffield Foundation": """ASK {
        <id/project/beyond-us-and-them> schema:funder ?f . ?f schema:name "Nuffield Foundation"@en }""",
    "Belong leads Beyond Us and Them": """ASK {
        <id/project/beyond-us-and-them> a bel:ResearchProject ;
            bel:ledBy <id/organisation/belong> }""",
    "Spirit of 2012 got involved in Beyond Us and Them": participation(
        "organisation/spirit-of-2012", "beyond-us-and-them", "partner", "research-and-resources"
    ),
    "Spirit of 2012 funds Radical Kindness": """ASK {
        <id/project/radical-kindness> schema:funder <id/organisation/spirit-of-2012> }""",
    "Radical Kindness builds on Beyond Us and Them": """ASK {
        <id/project/radical-kindness> bel:buildsOn <id/project/beyond-us-and-them> }""",
    "Ruth Hollis of Spirit of 2012 is quoted on both projects": """ASK {
        ?q a schema:Quotation ; schema:creator ?ruth ;
           schema:about <id/project/beyond-us-and-them>, <id/project/radical-kindness> ;
           schema:text ?text .
        ?ruth schema:name "Ruth Hollis" ; schema:affiliation <id/organisation/spirit-of-2012> .
        FILTER (CONTAINS(?text, "delighted to get involved in the Beyond Us and Them research")) }""",
    "Belong is a partner in The Power of Connection Through Volunteering": participation(
        "organisation/belong",
        "power-of-connection-through-volunteering",
        "partner",
        "research-and-resources",
    ),
    "The Power of Connection Through Volunteering is a research project": """ASK {
        <id/project/power-of-connection-through-volunteering> a bel:ResearchProject ;
            schema:name "The Power of Connection Through Volunteering"@en ;
            dcterms:description ?d .
        FILTER (CONTAINS(?d, "how volunteering can best strengthen social cohesion")) }""",
    "Business and Cohesion is research with the Intercultural Cities network": participation(
        "organisation/intercultural-cities-network",
        "business-and-cohesion",
        "research-partner",
        "research-and-resources",
    ),
    "Beyond Us and Them explores the impact of Covid-19 on social cohesion": """ASK {
        <id/project/beyond-us-and-them> schema:disambiguatingDescription ?d .
        FILTER (CONTAINS(?d, "exploring the impact of Covid-19 on social cohesion")) }""",
    "Belong is described as a champion of change": """ASK {
        <id/organisation/belong> dcterms:description ?d .
        FILTER (CONTAINS(?d, "champion of change")) }""",
}

# Library listing ----------------------------------------------------------------------------------

LIBRARY_FACTS = {
    "Cultivating Contact published in partnership with the Center and UMass Amherst": """ASK {
        ?r dcterms:title ?t ; bel:publishedInPartnershipWith ?center, ?umass .
        ?center schema:name "Center for Inclusion and Belonging"@en ;
                org:unitOf/schema:name "American Immigration Council"@en .
        ?umass schema:name "University of Massachusetts Amherst"@en .
        FILTER STRSTARTS(?t, "Cultivating Contact") }""",
    "Linda R. Tropp, PhD and Trisha A. Dehrone, MS author Cultivating Contact": """ASK {
        ?r dcterms:title ?t ; prov:qualifiedAttribution ?a1, ?a2 .
        ?a1 schema:position 1 ; prov:agent [ schema:name "Linda R. Tropp" ; schema:honorificSuffix "PhD" ] .
        ?a2 schema:position 2 ; prov:agent [ schema:name "Trisha A. Dehrone" ; schema:honorificSuffix "MS" ] .
        FILTER STRSTARTS(?t, "Cultivating Contact") }""",
    "Independent Evaluations: DLUHC commissioned, evaluation of the programme": """ASK {
        ?r dcterms:title "Independent Evaluations of the Integration Area Programme"@en ;
           dcterms:creator <id/organisation/dluhc> ; bel:commissionedBy <id/organisation/dluhc> ;
           bel:evaluationOf <id/project/integration-area-programme> ;
           dcterms:issued "2022-08"^^xsd:gYearMonth }""",
    "IFF Research evaluated the Integration Area Programme": participation(
        "organisation/iff-research",
        "integration-area-programme",
        "evaluator",
        "belong-network-library",
    ),
    "DLUHC was then MHCLG: the MHCLG name comes right before the DLUHC one": """ASK {
        <id/organisation/dluhc> bel:datedName ?mhclg, ?dluhc .
        ?mhclg rdf:value "Ministry of Housing, Communities and Local Government"@en ;
               dcterms:temporal/time:intervalMeets ?period .
        ?dluhc rdf:value "Department for Levelling Up, Housing and Communities"@en ;
               dcterms:temporal ?period }""",
    "three intervention types were evaluated": """ASK {
        ?r bel:evaluationOf <id/project/integration-area-programme> ;
           bel:interventionType ?a, ?b, ?c .
        ?a skos:prefLabel "Schools Linking"@en . ?b skos:prefLabel "Community Conversations"@en .
        ?c skos:prefLabel "Community Ambassadors"@en }""",
    "Everyday Integration Toolkit by the University of Bristol, July 2022": """ASK {
        ?r dcterms:title "The Everyday Integration Toolkit"@en ; a schema:HowTo ;
           dcterms:creator <id/organisation/university-of-bristol> ;
           dcterms:issued "2022-07"^^xsd:gYearMonth }""",
    "Bradford for Everyone evaluated by Belong, part of the Integration Area Programme": """ASK {
        ?r dcterms:title "A Bradford for Everyone: Programme Evaluation Report"@en ;
           bel:evaluationOf <id/project/bradford-for-everyone> .
        <id/project/bradford-for-everyone> dcterms:isPartOf <id/project/integration-area-programme> ;
           schema:funder <id/organisation/dluhc> ; bel:evaluatedBy <id/organisation/belong> }""",
    "Dr Kaya Davies Hayon and Dr Jeni Vine from Belong wrote the Bradford report": """ASK {
        ?r dcterms:title "A Bradford for Everyone: Programme Evaluation Report"@en ;
           prov:qualifiedAttribution ?a1, ?a2 .
        ?a1 schema:position 1 ; schema:affiliation <id/organisation/belong> ;
            prov:agent [ schema:name "Kaya Davies Hayon" ; schema:honorificPrefix "Dr" ] .
        ?a2 schema:position 2 ; schema:affiliation <id/organisation/belong> ;
            prov:agent [ schema:name "Jeni Vine" ; schema:honorificPrefix "Dr" ] }""",
    "co-produced with the Stronger Communities Team at Bradford Council": """ASK {
        ?r dcterms:title "A Bradford for Everyone: Programme Evaluation Report"@en ;
           prov:qualifiedAttribution [ prov:hadRole <id/contribution-role/co-producer> ;
                                       prov:agent ?team ] .
        ?team schema:name "Stronger Communities Team"@en ; org:unitOf <id/organisation/bradford-council> }""",
    "Discrimination, Prejudice and Cohesion covers May 2020 to July 2021 in Britain": """ASK {
        ?r dcterms:title ?t ; dcterms:spatial [ schema:name "Britain"@en ] ;
           dcterms:temporal [ dcat:startDate "2020-05"^^xsd:gYearMonth ;
                              dcat:endDate "2021-07"^^xsd:gYearMonth ] .
        FILTER STRSTARTS(?t, "Discrimination, Prejudice and Cohesion") }""",
    "NCVO wrote and published its guidance, June 2022": """ASK {
        ?r dcterms:title "NCVO Guidance on Impact and Evaluation"@en ;
           dcterms:creator <id/organisation/ncvo> ; dcterms:publisher <id/organisation/ncvo> ;
           dcterms:issued "2022-06"^^xsd:gYearMonth }""",
    "the webinar took place on 22 March 2022 to launch Everybody's Business": """ASK {
        ?w a schema:Event ; dcterms:title "Everybody’s Business online launch webinar"@en ;
           schema:startDate "2022-03-22"^^xsd:date ;
           bel:launches [ dcterms:title ?t ] .
        FILTER STRSTARTS(?t, "Everybody’s Business: the role that business") }""",
    "Everybody's Business by Belong and the Intercultural Cities Unit of the CoE": """ASK {
        ?r dcterms:title ?t ; dcterms:creator <id/organisation/belong>, ?unit ;
           dcterms:contributor <id/organisation/intercultural-cities-network> .
        ?unit schema:name "Intercultural Cities Unit"@en ; org:unitOf <id/organisation/council-of-europe> .
        FILTER STRSTARTS(?t, "Everybody’s Business: the role") }""",
    "IPPR and Migration Yorkshire wrote and published Building the foundations": """ASK {
        ?r dcterms:title "Building the foundations for social connections in Yorkshire and Humber"@en ;
           dcterms:creator <id/organisation/ippr>, <id/organisation/migration-yorkshire> ;
           dcterms:publisher <id/organisation/ippr>, <id/organisation/migration-yorkshire> ;
           dcterms:audience [ skos:prefLabel "Councils"@en ] }""",
    "five pilot Integration Areas": """ASK {
        <id/project/integration-area-programme> bel:pilotArea
            [ schema:name "Blackburn with Darwen"@en ], [ schema:name "Bradford"@en ],
            [ schema:name "Peterborough"@en ], [ schema:name "Walsall"@en ],
            [ schema:name "Waltham Forest"@en ] }""",
    "the library is free to access": """ASK {
        ?library dcterms:title "The Belong Network Library"@en ; schema:isAccessibleForFree true ;
            dcterms:publisher <id/organisation/belong> }""",
}


@pytest.mark.parametrize("query", RESEARCH_FACTS.values(), ids=RESEARCH_FACTS.keys())
def test_research_page_fact(library: OxigraphStore, query: str) -> None:
    assert ask(library, query)


@pytest.mark.parametrize("query", LIBRARY_FACTS.values(), ids=LIBRARY_FACTS.keys())
def test_library_fact(library: OxigraphStore, query: str) -> None:
    assert ask(library, query)


# Lists that must be exactly as the seeds give them --------------------------------------------------

LISTING = [  # title, issued, as printed on the library page, in its order
    ("Supporting Migrant Communities: A resource for practitioners", "2022-11"),
    (
        "Cultivating Contact: A Guide to Building Bridges and Meaningful Connections Between Groups",
        "2022-09",
    ),
    ("Independent Evaluations of the Integration Area Programme", "2022-08"),
    ("The Everyday Integration Toolkit", "2022-07"),
    ("A Bradford for Everyone: Programme Evaluation Report", "2022-07"),
    (
        "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and White "
        "People in Britain in the Context of COVID-19 and Beyond",
        "2022-07",
    ),
    ("NCVO Guidance on Impact and Evaluation", "2022-06"),
    ("Everybody’s Business online launch webinar", "2022-03"),
    (
        "Everybody’s Business: the role that business can play in supporting cohesive communities",
        "2022-03",
    ),
    ("Building the foundations for social connections in Yorkshire and Humber", "2022-03"),
]


def test_the_library_holds_exactly_the_listed_resources(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?title ?issued WHERE {
        ?r dcterms:isPartOf <id/collection/belong-network-library> ;
           dcterms:title ?title ; dcterms:issued ?issued }""",
    )
    assert sorted(rows) == sorted(LISTING)


def test_supporting_migrant_communities_credits_in_order(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?position ?name ?role ?affiliation WHERE {
        <id/resource/supporting-migrant-communities> prov:qualifiedAttribution ?a .
        ?a schema:position ?position ; prov:agent/schema:name ?name ; prov:hadRole/skos:prefLabel ?role .
        OPTIONAL { ?a schema:affiliation/schema:name ?affiliation }
    } ORDER BY ?position""",
    )
    assert rows == [
        ("1", "Julie Walsh", "Author", "The University of Sheffield"),
        ("2", "Maria Teresa Ferazzoli", "Author", "The University of Sheffield"),
        ("3", "Lloyd Dobbs", "Author", "Goodwin Development Trust Ltd."),
        ("4", "Gail Teasdale", "Author", "Humber Coast and Vale Health and Care Partnership"),
        ("5", "Catriona Jones", "Author", "The University of Hull"),
        ("6", "Laura Abott", "Author", "Chilypep"),
        ("7", "Aidan Mascarenhas-Keyes", "Author", "Chilypep"),
        ("8", "Elizabeth Veeren", "Contributor", ""),
        ("9", "Gary Blake", "Contributor", ""),
        ("10", "Shupi Chiwanza", "Contributor", ""),
        ("11", "Nchimunya Ng’andu", "Contributor", ""),
    ]


def test_discrimination_report_authors_in_order(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?name WHERE {
        <id/resource/discrimination-prejudice-and-cohesion> prov:qualifiedAttribution ?a .
        ?a schema:position ?position ; prov:agent/schema:name ?name } ORDER BY ?position""",
    )
    assert [name for (name,) in rows] == DISCRIMINATION_AUTHORS


def test_beyond_us_and_them_partners_and_roles(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?partner ?role WHERE {
        ?p org:organization <id/project/beyond-us-and-them> ; org:member/schema:name ?partner ;
           org:role/skos:prefLabel ?role }""",
    )
    assert sorted(rows) == sorted(
        [
            ("Belong - The Cohesion and Integration Network", "Lead"),
            ("Centre for the Study of Group Processes", "Research partner"),
            ("University of Kent", "Research partner"),
            ("Nuffield Foundation", "Funder"),
            ("Spirit of 2012", "Partner"),
            ("Ministry of Housing, Communities and Local Government", "Findings shared with"),
            ("Government Office for Science", "Findings shared with"),
            ("Scientific Advisory Group for Emergencies", "Findings shared with"),
        ]
    )


def test_belongs_own_research_projects(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?name WHERE {
        ?project a bel:ResearchProject ; bel:ledBy <id/organisation/belong> ; schema:name ?name }""",
    )
    assert {name for (name,) in rows} == {
        "Business and Cohesion",
        "Beyond Us and Them",
        "Radical Kindness",
        "Research on social cohesion measurement frameworks",
    }


def test_membership_shortcuts_only_for_roles_that_take_part(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?name WHERE {
        ?member org:memberOf <id/project/beyond-us-and-them> ; rdfs:label ?name }""",
    )
    assert {name for (name,) in rows} == {
        "Belong - The Cohesion and Integration Network",
        "Centre for the Study of Group Processes",
        "University of Kent",
        "Spirit of 2012",
    }
    assert not ask(library, "ASK { ?place a dcterms:Location ; org:memberOf ?programme }")


def test_every_entity_names_its_source_document(library: OxigraphStore) -> None:
    rows = select(
        library,
        """SELECT ?thing WHERE {
        VALUES ?class { dcterms:BibliographicResource bel:Initiative bel:Participation
                        bel:Authorship schema:Person org:Organization dcterms:Location }
        ?thing a ?class .
        FILTER NOT EXISTS { ?thing prov:wasDerivedFrom ?source . ?source a prov:Entity }
    }""",
    )
    assert rows == []


# Facts an audit corrected, each with the seed sentence it rests on ---------------------------------

SEEDS = next(
    (d / "shared" / "seeds" for d in PROJECT_ROOT.parents if (d / "shared" / "seeds").is_dir()),
    None,
)


def seed_lines() -> list[str]:
    """The non-blank lines of the seed documents; the test is skipped where none are beside us."""
    if SEEDS is None:
        pytest.skip("no seed documents beside this checkout")
    return [
        line.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def seed_says(sentence: str) -> None:
    assert any(sentence in line for line in seed_lines()), f"no seed says {sentence!r}"


def test_the_webinar_is_issued_in_the_month_the_listing_gives(library: OxigraphStore) -> None:
    seed_says("Everybody’s Business online launch webinar March 2022")
    seed_says("This webinar took place on Tuesday 22 March 2022")
    rows = select(
        library,
        """SELECT ?issued ?type ?started WHERE {
        <id/resource/everybodys-business-online-launch-webinar> dcterms:issued ?issued ;
            schema:startDate ?started . BIND (DATATYPE(?issued) AS ?type) }""",
    )
    assert rows == [("2022-03", XSD_NS + "gYearMonth", "2022-03-22")]


def test_the_power_of_connection_toolkit_is_not_about_volunteering(library: OxigraphStore) -> None:
    seed_says("Working closely with DCMS on the dissemination of the Power of Connection toolkit")
    naming_it = [line for line in seed_lines() if "Power of Connection toolkit" in line]
    assert naming_it and not any("volunteer" in line.lower() for line in naming_it)
    for thing in (
        "resource/power-of-connection-toolkit",
        "project/power-of-connection-toolkit-dissemination",
    ):
        assert ask(library, f"ASK {{ <id/{thing}> dcterms:subject ?theme }}")
        assert not ask(library, f"ASK {{ <id/{thing}> dcterms:subject <id/theme/volunteering> }}")


def test_a_webinar_is_not_training_material(library: OxigraphStore) -> None:
    seed_says("training materials for small and large charities")
    assert not any(
        "webinar" in line.lower() and "training" in line.lower() for line in seed_lines()
    )
    assert not ask(
        library,
        "ASK { <id/resource-type/webinar> skos:broader+ <id/resource-type/training-material> }",
    )
    assert ask(
        library,
        "ASK { <id/resource-type/webinar> skos:topConceptOf <id/scheme/resource-types> }",
    )


def test_the_department_is_named_as_it_is_today_and_dluhc_for_2022(
    library: OxigraphStore,
) -> None:
    seed_says("DLUHC (then MHCLG) commissioned IFF Research")
    seed_says("Independent Evaluations of the Integration Area Programme August 2022")
    seed_says("The Department for Levelling Up, Housing and Communities (DLUHC) awarded funding")
    with (PROJECT_ROOT / "data" / "identifiers.csv").open(encoding="utf-8") as table:
        (row,) = [r for r in csv.DictReader(table) if r["name"].startswith("Department for Lev")]
    assert (
        "formerly and again the Ministry of Housing, Communities and Local Government"
        in (row["name"])
    )
    assert row["govuk_slug"] == "ministry-of-housing-communities-local-government"
    today = "Ministry of Housing, Communities and Local Government"
    assert select(
        library,
        "SELECT ?name ?label WHERE { <id/organisation/dluhc> schema:name ?name ; rdfs:label ?label }",
    ) == [(today, today)]
    assert ask(
        library,
        """ASK { <id/organisation/dluhc> bel:formerName
            "Department for Levelling Up, Housing and Communities"@en, "DLUHC"@en ;
            skos:altLabel "MHCLG"@en }""",
    )
    dated = select(
        library,
        """SELECT ?name ?inside WHERE {
        <id/organisation/dluhc> bel:datedName [ rdf:value ?name ; dcterms:temporal ?period ] .
        ?period time:inside/(time:inXSDgYearMonth|time:inXSDDate) ?inside } ORDER BY ?inside""",
    )
    assert dated == [
        ("Department for Levelling Up, Housing and Communities", "2022-07"),
        ("Department for Levelling Up, Housing and Communities", "2022-08"),
        (today, "2026-02-02"),
    ]
    assert ask(
        library,
        """ASK { <id/organisation/dluhc> bel:datedName [ rdf:value ?today ;
            dcterms:temporal [ time:intervalMetBy ?dluhc ] ] , [ dcterms:temporal ?dluhc ;
            rdf:value "Department for Levelling Up, Housing and Communities"@en ] .
            FILTER (STR(?today) = "Ministry of Housing, Communities and Local Government") }""",
    )


def test_belong_disseminates_the_toolkit_with_dcms_and_does_not_lead_it(
    library: OxigraphStore,
) -> None:
    seed_says("Working closely with DCMS on the dissemination of the Power of Connection toolkit")
    rows = select(
        library,
        """SELECT ?member ?role WHERE {
        ?p org:organization <id/project/power-of-connection-toolkit-dissemination> ;
           org:member/schema:name ?member ; org:role/skos:notation ?role }""",
    )
    assert sorted(rows) == [
        ("Belong - The Cohesion and Integration Network", "dissemination-partner"),
        ("Department for Culture, Media and Sport", "dissemination-partner"),
    ]
    assert not ask(
        library, "ASK { <id/project/power-of-connection-toolkit-dissemination> bel:ledBy ?x }"
    )


def test_spirit_of_2012_got_involved_in_beyond_us_and_them_in_no_stated_role(
    library: OxigraphStore,
) -> None:
    seed_says("Spirit of 2012 was delighted to get involved in the Beyond Us and Them research")
    rows = select(
        library,
        """SELECT ?role WHERE { ?p org:organization <id/project/beyond-us-and-them> ;
        org:member <id/organisation/spirit-of-2012> ; org:role/skos:notation ?role }""",
    )
    assert rows == [("partner",)]
    assert ask(
        library,
        """ASK { <id/role/partner> skos:definition ?d .
        FILTER (CONTAINS(?d, "in a way the sources do not state more precisely")) }""",
    )


def test_the_text_of_the_reports_image_is_its_description_not_a_caption(
    library: OxigraphStore,
) -> None:
    text = "A series of differently shaded paper cutouts in the shape of a side profile"
    lines = seed_lines()
    assert text in lines
    assert lines[lines.index(text) + 1].startswith("Discrimination, Prejudice and Cohesion")
    assert select(
        library,
        """SELECT ?text WHERE { <id/resource/discrimination-prejudice-and-cohesion> schema:image ?image .
        ?image a schema:ImageObject ; schema:description ?text }""",
    ) == [(text,)]
    assert not ask(library, "ASK { ?image schema:caption ?caption }")
