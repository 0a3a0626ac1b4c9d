"""/api/v1/actors: search by name and alias, one actor, its network and its paths to a group."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.shape import assert_error_shape


def test_search_by_name_and_alias(client: FlaskClient) -> None:
    body = client.get("/api/v1/actors?q=INTERAHAMWE").get_json()
    assert [a["id"] for a in body["items"]] == ["actor/interahamwe"]
    by_alias = client.get("/api/v1/actors?q=vrs").get_json()["items"]
    assert [a["id"] for a in by_alias] == ["actor/vrs"] and "VRS" in by_alias[0]["aliases"]
    several = client.get("/api/v1/actors?q=inter&limit=2").get_json()
    assert several["total"] > 2 and len(several["items"]) == 2 and several["next_offset"] == 2
    names = [a["name"] for a in client.get("/api/v1/actors?q=inter&limit=100").get_json()["items"]]
    assert names == sorted(names)
    assert client.get("/api/v1/actors?q=no-such-actor-anywhere").get_json()["total"] == 0


def test_filters_by_kind_and_country(client: FlaskClient) -> None:
    militias = client.get("/api/v1/actors?kind=militia&country=RWA").get_json()["items"]
    assert {a["id"] for a in militias} == {"actor/interahamwe", "actor/impuzamugambi"}
    assert all(a["kind"] == "militia" and "country/RWA" in a["countries"] for a in militias)
    err = assert_error_shape(client.get("/api/v1/actors?kind=wizard"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "kind" and "militia" in err["message"]


def test_one_actor(client: FlaskClient) -> None:
    body = client.get("/api/v1/actors/interahamwe").get_json()
    assert body["id"] == "actor/interahamwe" and body["kind"] == "militia"
    assert body["countries"] == ["country/RWA"] and body["roles"] == ["potential-perpetrator"]
    assert body["assessments"] == ["assessment/RWA-1994-01", "assessment/RWA-1994-07"]
    assert body["description"] and body["links"]["network"] == "/api/v1/actors/interahamwe/network"
    err = assert_error_shape(client.get("/api/v1/actors/no-such-actor"), 404, "not_found")
    assert err["details"]["id"] == "actor/no-such-actor"


def test_network(client: FlaskClient) -> None:
    one = client.get("/api/v1/actors/interahamwe/network").get_json()
    assert one["actor"] == "actor/interahamwe" and one["depth"] == 1
    ids = {n["id"] for n in one["nodes"]}
    assert {"actor/interahamwe", "actor/far", "group/tutsi"} <= ids
    assert {"source": "actor/far", "type": "ALLIED_WITH", "target": "actor/interahamwe"}.items() <= \
        next(e for e in one["relationships"] if e["type"] == "ALLIED_WITH").items()
    assert all(e["source"] in ids and e["target"] in ids for e in one["relationships"])
    two = client.get("/api/v1/actors/interahamwe/network?depth=2").get_json()
    assert len(two["nodes"]) > len(one["nodes"])
    err = assert_error_shape(client.get("/api/v1/actors/interahamwe/network?depth=4"), 400)
    assert err["details"]["parameter"] == "depth"
    assert_error_shape(client.get("/api/v1/actors/no-such-actor/network"), 404, "not_found")


def test_paths_to_a_group(client: FlaskClient) -> None:
    body = client.get("/api/v1/actors/interahamwe/paths?to_group=tutsi").get_json()
    assert body["victim_group"] == "group/tutsi" and body["total"] >= 1
    assert body["items"][0] == {"hops": 1, "nodes": ["actor/interahamwe", "group/tutsi"],
                                "relationships": ["THREATENS"]}
    hops = [p["hops"] for p in client.get("/api/v1/actors/far/paths?to_group=group/tutsi&limit=50")
            .get_json()["items"]]
    assert hops == sorted(hops)
    assert_error_shape(client.get("/api/v1/actors/interahamwe/paths?to_group=nobody"), 404, "not_found")
    err = assert_error_shape(client.get("/api/v1/actors/interahamwe/paths"), 400, "invalid_parameter")
    assert err["details"]["parameter"] == "to_group"
