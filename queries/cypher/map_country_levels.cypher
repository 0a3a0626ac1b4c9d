// name: map_country_levels
// description: Every country with what the watch-list map colours and outlines: its ISO numeric
//   code (the key of the vendored Natural Earth shapes; none for Kosovo), region, whether the team
//   monitors it, the overall risk and trend of its latest published assessment and its latest
//   statistical risk score (e.g. the Early Warning Project's), both on or before a date.
// users: analysts, planners
// param as_of: date = today | latest assessment and score on or before this day
// returns: country, notation, iso_numeric, name, region, region_name, monitored, assessed_on, overall_risk, risk_trend, score_risk, score_rank, scored_on
// example: as_of=2024-12-31
MATCH (c:Country)
OPTIONAL MATCH (c)-[:IN_REGION]->(r:Region)
WITH c, r
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date <= $as_of
WITH c, r, max(a.date) AS assessed_on
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date = assessed_on
WITH c, r, assessed_on, max(a.id) AS assessment
OPTIONAL MATCH (a:Assessment)
WHERE a.id = assessment
WITH c, r, assessed_on, a.overall_risk AS overall_risk, a.risk_trend AS risk_trend
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date <= $as_of
WITH c, r, assessed_on, overall_risk, risk_trend, max(s.date) AS scored_on
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date = scored_on
WITH c, r, assessed_on, overall_risk, risk_trend, scored_on, max(s.risk) AS score_risk, min(s.rank) AS score_rank
RETURN c.id AS country, c.notation AS notation, c.iso_numeric AS iso_numeric, c.name AS name,
       r.id AS region, r.name AS region_name, coalesce(c.monitored, false) AS monitored, assessed_on,
       overall_risk, risk_trend, score_risk, score_rank, scored_on
ORDER BY country
