"""The response planner shows the evidence on what works, with every score term listed."""

from __future__ import annotations

from api import create_app
from graph.base import GraphStore


def test_planner_lists_scores_and_their_terms(demo_on: GraphStore) -> None:
    client = create_app({"STORE": demo_on, "TESTING": True}).test_client()
    html = client.get("/planner?country=SDN").get_data(as_text=True)
    assert "evidence on what works" in html
    assert "score " in html
    assert "mitigates rf/RF" in html  # the +1 terms name the risk factor and the assessment
    assert "USHMM Tools for Atrocity Prevention" in html
    api = client.get("/api/v1/countries/SDN/responses").get_json()
    scored = [o for o in api["items"] if o["evidence_score"] is not None]
    assert scored and all(sum(t["value"] for t in o["explanation"]) == o["evidence_score"] for o in scored)
