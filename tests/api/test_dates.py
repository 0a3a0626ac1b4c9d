"""Dates in a query (``as_of``, ``since``) must lie between 1900-01-01 and today on every endpoint
that takes one: a malformed or out-of-range day is a 400 naming the parameter, never a quiet answer
about a day the data cannot speak of."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

from tests.api.shape import assert_error_shape

ENDPOINTS = [("/api/v1/countries", "as_of"), ("/api/v1/countries/RWA/risk", "as_of"),
             ("/api/v1/countries/RWA/responses", "as_of"), ("/api/v1/triggers", "as_of"),
             ("/api/v1/actors/interahamwe/leverage", "as_of"), ("/api/v1/victim-groups/tutsi/threats", "as_of"),
             ("/api/v1/analytics/centrality?country=RWA", "as_of"), ("/api/v1/maps/countries", "as_of"),
             ("/api/v1/alerts", "since"), ("/api/v1/countries/RWA/signals", "since"), ("/api/v1/log", "since")]


@pytest.mark.parametrize(("url", "name"), ENDPOINTS)
def test_out_of_range_and_malformed_days_are_400(client: FlaskClient, url: str, name: str) -> None:
    sep = "&" if "?" in url else "?"
    future = dt.date.today() + dt.timedelta(days=1)
    for bad, says in (("1066-10-14", "is outside 1900-01-01 … today"), (future.isoformat(), "is outside"),
                      ("1994-13-45", "valid date"), ("soon", "valid date")):
        err = assert_error_shape(client.get(f"{url}{sep}{name}={bad}"), 400, "invalid_parameter")
        assert err["details"]["parameter"] == name and name in err["message"] and says in err["message"], err
    assert client.get(f"{url}{sep}{name}=1994-04-06").status_code == 200
    assert client.get(f"{url}{sep}{name}={dt.date.today()}").status_code == 200
