"""Response models shared by the planning endpoints: leverage chains, lever matches, situation, lessons."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

__all__ = ["Chain", "ChainStep", "LessonSummary", "MatchedStakeholder", "OpenAlert", "Situation", "SourceRef"]


class SourceRef(BaseModel):
    id: str
    title: str | None


class ChainStep(BaseModel):
    source: str
    source_name: str
    type: str = Field(description="HAS_LEVERAGE_OVER, COMMANDS, ARMS, SUPPORTS or MEMBER_OF (read from the "
                                  "organisation to its member)")
    target: str
    target_name: str
    lever: str | None = Field(description="The lever recorded on a leverage relationship")
    confidence: str | None
    weight: float = Field(description="Type weight x confidence weight")
    sources: list[SourceRef]


class Chain(BaseModel):
    stakeholder: str
    stakeholder_name: str
    target: str = Field(description="The perpetrator the chain ends at")
    target_name: str
    hops: int
    strength: float = Field(description="Product of the steps' weights (1 is a direct, recorded, high-confidence "
                                        "leverage)")
    levers: list[str] = Field(description="Levers of the first step: what the stakeholder itself can pull")
    lever_recorded: bool = Field(description="False when the lever is implied by the relationship type")
    path: str = Field(description="e.g. NATO —leverage(military)→ RS authorities —commands→ VRS")
    steps: list[ChainStep]


class MatchedStakeholder(BaseModel):
    stakeholder: str
    name: str
    levers: list[str]
    matched_categories: list[str] = Field(description="Option categories the lever serves")
    match: str
    chain: Chain = Field(description="The stakeholder's strongest chain with a matching lever")


class OpenAlert(BaseModel):
    alert: str
    kind: str
    period_start: dt.date
    period_end: dt.date | None
    dimension: str | None
    slice: str | None
    strength: float | None
    status: str
    explanation: str | None


class Situation(BaseModel):
    kind: str = Field(description="ongoing, acute or latent")
    assessment: str | None
    level: int | None
    events: int = Field(description="Atrocity events in the window")
    reasons: list[str]
    first: list[str] = Field(description="Stages that come first in this situation")
    alerts: list[OpenAlert] = Field(default_factory=list,
                                    description="The country's open early-warning alerts (new or escalated) of the "
                                                "last 90 days, strongest first")
    alert_pressure: float = Field(0.0, description="Sum of the open alerts' strengths, escalated ones counted twice")


class LessonSummary(BaseModel):
    cases: int
    totals: dict[str, int] = Field(description="Cases per outcome code (latest status of each recommendation)")
    summary: str
