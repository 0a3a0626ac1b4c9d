// name: assessment_list
// description: Assessments, newest first, optionally of one country, with one status or one by
//   id: title, date, status, authors, reviewers, horizon, overall risk and trend, summary and
//   how many risk-factor findings, actors, triggers and recommendations each holds.
// users: planners, analysts
// param assessment: str = "" | assessment id, e.g. assessment/RWA-1994-01 (empty: any)
// param country: str = "" | country id (empty: every country)
// param status: str = "" | draft, reviewed or published (empty: any)
// returns: assessment, name, country, country_name, date, status, authors, reviewers, horizon_months, overall_risk, risk_trend, summary, findings, actors, triggers, recommendations
// example: country=country/RWA
MATCH (a:Assessment)-[:ASSESSES]->(c:Country)
WHERE ($assessment = '' OR a.id = $assessment) AND ($country = '' OR c.id = $country)
  AND ($status = '' OR a.status = $status)
RETURN a.id AS assessment, a.name AS name, c.id AS country, c.name AS country_name,
       a.date AS date, a.status AS status, a.authors AS authors, a.reviewers AS reviewers,
       a.horizon_months AS horizon_months, a.overall_risk AS overall_risk,
       a.risk_trend AS risk_trend, a.summary AS summary,
       COUNT { MATCH (a)-[:FINDS]->(:RiskFactor) } AS findings,
       COUNT { MATCH (a)-[:IDENTIFIES]->(:Actor) } AS actors,
       COUNT { MATCH (a)-[:ANTICIPATES]->(:Trigger) } AS triggers,
       COUNT { MATCH (a)-[:MAKES]->(:Recommendation) } AS recommendations
ORDER BY date DESC, assessment
