"""Centrality of a country's actor network, and exports of the whole graph."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import rdflib
from flask.testing import FlaskClient

from tests.api.conftest import hit
from tests.api.shape import assert_error_shape


def test_centrality(client: FlaskClient) -> None:
    body = client.get("/api/v1/analytics/centrality?country=RWA").get_json()
    assert body["country"] == "country/RWA" and body["total"] > 5
    first = body["items"][0]
    assert set(first) == {"id", "name", "label", "degree", "betweenness", "eigenvector"}
    between = [n["betweenness"] for n in body["items"]]
    assert between == sorted(between, reverse=True)
    assert {"actor/interahamwe", "group/tutsi"} <= {n["id"] for n in body["items"]}
    assert client.get("/api/v1/analytics/centrality?country=country/RWA").get_json()["total"] == body["total"]
    assert_error_shape(client.get("/api/v1/analytics/centrality?country=ZZZ"), 404, "not_found")
    err = assert_error_shape(client.get("/api/v1/analytics/centrality"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "country"


def test_export_rdf(client: FlaskClient) -> None:
    ttl = client.get("/api/v1/export?format=ttl")
    assert ttl.status_code == 200 and ttl.mimetype == "text/turtle"
    assert 'filename="akg.ttl"' in ttl.headers["Content-Disposition"]
    graph = rdflib.Graph().parse(data=ttl.get_data(as_text=True), format="turtle")
    assert (rdflib.URIRef("https://w3id.org/atrocity-kg/id/country/RWA"), None, None) in graph
    jsonld = client.get("/api/v1/export?format=jsonld")
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.get_data())
    assert client.get("/api/v1/export?format=nt").mimetype == "application/n-triples"


def test_export_graphml_and_csv(client: FlaskClient) -> None:
    graphml = client.get("/api/v1/export?format=graphml")
    assert graphml.mimetype == "application/graphml+xml"
    g = nx.read_graphml(io.BytesIO(graphml.get_data()))
    assert "actor/interahamwe" in g and g.number_of_edges() > 100
    nodes = list(csv.DictReader(io.StringIO(client.get("/api/v1/export?format=csv").get_data(as_text=True))))
    assert nodes[0].keys() >= {"id", "label"} and any(n["id"] == "country/RWA" for n in nodes)
    rels = client.get("/api/v1/export?format=csv&table=relationships")
    assert 'filename="akg-relationships.csv"' in rels.headers["Content-Disposition"]
    header = rels.get_data(as_text=True).splitlines()[0]
    assert header.startswith("type,source,target")
    again = client.get("/api/v1/export?format=csv&table=relationships")
    assert again.headers.get("X-Cache") == hit(client.application) and again.headers["Content-Disposition"] == \
        rels.headers["Content-Disposition"] and again.mimetype == "text/csv"
    err = assert_error_shape(client.get("/api/v1/export?format=xlsx"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "format"
