"""``/api/v1/assessments``: list, one assessment, and POST a new one (token required).

A posted assessment (YAML or JSON, the format of ``docs/assessment-format.md``) is validated
exactly as ``akg validate`` does and written in one transaction: all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from flask import Response, jsonify, request
from flask_openapi3.models import RawModel
from pydantic import BaseModel, Field

from api.common import api_blueprint, not_found, rows, this_url
from api.errors import ApiError, ErrorBody
from api.models import AssessmentStatus, LocalId, OptionalId, PageFields, Paging, country_ref, full_id, page
from api.state import state
from graph.editorial import EditorialError, content_hash, load_assessment, retract
from graph.ingest import split
from graph.records import Node
from loaders.assessment import read_text
from ontology.errors import SourceFormatError

__all__ = ["MEDIA_TYPES", "bp"]

bp = api_blueprint("assessments", "The team's risk assessments: list, read, upload.", "/assessments")

MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json",
               "text/plain")
BODY_NAME = "request body"


class AssessmentPath(BaseModel):
    assessment_id: LocalId


class AssessmentQuery(Paging):
    country: OptionalId = Field(None, description="Only this country (RWA or country/RWA)")
    status: AssessmentStatus = None


class AssessmentUpload(RawModel):
    mimetypes: list[str] = list(MEDIA_TYPES)


class AssessmentSummary(BaseModel):
    id: str = Field(description="Node id, e.g. assessment/RWA-1994-01")
    name: str | None
    country: str
    country_name: str | None
    date: dt.date | None
    status: str | None
    overall_risk: int | None
    risk_trend: str | None


class Assessment(AssessmentSummary):
    authors: list[str] | None
    reviewers: list[str] | None
    horizon_months: int | None
    summary: str | None
    counts: dict[str, int] = Field(description="Findings, actors, triggers and recommendations it holds")
    links: dict[str, str]


class AssessmentPage(PageFields):
    items: list[AssessmentSummary]


class Written(BaseModel):
    id: str
    created: bool = Field(description="False when the assessment was already there (then 200, not 201)")
    summary: dict[str, int] = Field(description="Nodes and relationships created, updated, unchanged")
    links: dict[str, str]


_SUMMARY = ("name", "country", "country_name", "date", "status", "overall_risk", "risk_trend")


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["assessment"], **{k: row[k] for k in _SUMMARY}}


@bp.get("", summary="Assessments, newest first", responses={200: AssessmentPage})
def list_assessments(query: AssessmentQuery) -> dict[str, Any]:
    """Every assessment, or those of a country or with a status."""
    found = rows("assessment_list", country=country_ref(query.country) if query.country else None,
                 status=query.status)
    return page([_summary(r) for r in found], query, this_url())


@bp.get("/<assessment_id>", summary="One assessment", responses={200: Assessment})
def get_assessment(path: AssessmentPath) -> dict[str, Any]:
    """An assessment's metadata, summary and how much it holds."""
    aid = full_id("assessment", path.assessment_id)
    found = rows("assessment_list", assessment=aid)
    if not found:
        raise not_found("assessment", aid)
    r = found[0]
    iso3 = str(r["country"]).split("/", 1)[1]
    return {**_summary(r), "authors": r["authors"], "reviewers": r["reviewers"],
            "horizon_months": r["horizon_months"], "summary": r["summary"],
            "counts": {k: int(r[k]) for k in ("findings", "actors", "triggers", "recommendations")},
            "links": {"country": f"/api/v1/countries/{iso3}",
                      "risk": f"/api/v1/countries/{iso3}/risk?as_of={r['date']}&include_drafts=true"}}


def _body_text() -> str:
    """The request body as text, refusing media types, encodings and YAML features we do not take."""
    mimetype = request.mimetype
    if mimetype and mimetype not in MEDIA_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       f"send the assessment as YAML or JSON (Content-Type one of {', '.join(MEDIA_TYPES)})")
    data = request.get_data(cache=False)
    limit = state().settings.max_assessment_bytes
    if len(data) > limit:
        raise ApiError(413, "too_large", f"the assessment is larger than {limit:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError([(BODY_NAME, None, "", f"not UTF-8 text (byte {exc.start})")]) from None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                line = token.start_mark.line + 1
                raise SourceFormatError([(BODY_NAME, line, "", "YAML anchors and aliases are not accepted")])
    except yaml.YAMLError:
        pass  # the loader reports syntax errors with their line
    return text


@bp.post("", summary="Upload an assessment (YAML or JSON); needs a bearer token",
         security=[{"bearerAuth": []}],
         responses={200: Written, 201: Written, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody})
def post_assessment(raw: AssessmentUpload) -> Response:
    """Validate the body like ``akg validate`` and write it in one transaction (all or nothing).

    201 when the assessment is new, 200 when it replaces one with the same id.

    Invalid bodies get 422 with every problem as ``request body:LINE field: message`` in
    ``details.errors``; nothing is written. Posting the same assessment again changes nothing.
    """
    del raw
    st = state()
    st.tokens.require("write")
    if not st.writable:
        raise ApiError(403, "writes_disabled", "this server opened the graph store read-only")
    text = _body_text()
    records = read_text(text, BODY_NAME)
    nodes, _ = split(records)
    aid = next(n.id for n in nodes if isinstance(n, Node) and n.id.startswith("assessment/"))
    with st.writing() as store:
        existed = bool(rows("assessment_list", assessment=aid))
        try:
            outcome = load_assessment(store, records, file=BODY_NAME, digest=content_hash(text.encode()),
                                      by=st.tokens.name_of_request(), reason=request.args.get("reason"))
        except EditorialError as exc:
            raise ApiError(409, "workflow_refused", exc.message) from None
        written = outcome.summary
    local = aid.split("/", 1)[1]
    response = jsonify({"id": aid, "created": not existed, "summary": written.as_dict(),
                        "links": {"self": f"/api/v1/assessments/{local}"}})
    response.status_code = 200 if existed else 201
    response.headers["Location"] = f"/api/v1/assessments/{local}"
    return response


class RetractBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the assessment is withdrawn")


class Retracted(BaseModel):
    id: str
    previous_status: str | None
    summary: dict[str, int]


@bp.post("/<assessment_id>/retract", summary="Retract an assessment; needs a bearer token",
         security=[{"bearerAuth": []}], responses={200: Retracted, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody})
def retract_assessment(path: AssessmentPath, body: RetractBody) -> dict[str, Any]:
    """Withdraw an assessment: it stays listed as ``retracted`` and everything it alone stated
    leaves the current graph; the retraction and its reason go to the audit log."""
    st = state()
    st.tokens.require("write")
    if not st.writable:
        raise ApiError(403, "writes_disabled", "this server opened the graph store read-only")
    aid = f"assessment/{path.assessment_id}"
    with st.writing() as s:
        if not rows("assessment_list", assessment=aid):
            raise not_found("assessment", aid)
        try:
            out = retract(s, aid, reason=body.reason, by=st.tokens.name_of_request())
        except EditorialError as exc:
            raise ApiError(409, "workflow_refused", exc.message) from None
    return {"id": aid, "previous_status": out.previous_status, "summary": out.summary.as_dict()}
