"""The explorer's time window narrows the events folded into event clusters."""

from __future__ import annotations

from flask.testing import FlaskClient

from api import create_app
from graph.base import GraphStore


def test_time_window_narrows_event_clusters(demo_on: GraphStore) -> None:
    client: FlaskClient = create_app({"STORE": demo_on, "TESTING": True}).test_client()
    everything = client.get("/explorer?actor=actor/interahamwe").get_data(as_text=True)
    before = client.get("/explorer?actor=actor/interahamwe&from=1980-01-01&to=1990-01-01").get_data(as_text=True)
    assert "events ·" in everything and "events ·" not in before
    bad = client.get("/explorer?actor=actor/interahamwe&from=yesterday")
    assert bad.status_code == 400
