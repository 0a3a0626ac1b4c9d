// name: countries_ranked_by_risk
// description: Countries ranked by risk: the overall risk of their latest published assessment
//   and their latest statistical risk score (e.g. the Early Warning Project's) side by side,
//   both on or before a date. Countries with neither are left out.
// users: analysts
// param as_of: date = today | latest assessment and score on or before this day
// param dataset: str = "" | only scores of this dataset (empty: any)
// returns: country, name, overall_risk, assessed_on, score_risk, score_rank, scored_on
// example: as_of=2024-12-31
MATCH (c:Country)
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date <= $as_of
WITH c, max(a.date) AS assessed_on
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date = assessed_on
WITH c, assessed_on, max(a.overall_risk) AS overall_risk
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date <= $as_of AND ($dataset = '' OR s.dataset = $dataset)
WITH c, assessed_on, overall_risk, max(s.date) AS scored_on
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date = scored_on AND ($dataset = '' OR s.dataset = $dataset)
WITH c, assessed_on, overall_risk, scored_on, max(s.risk) AS score_risk, min(s.rank) AS score_rank
WHERE assessed_on IS NOT NULL OR scored_on IS NOT NULL
RETURN c.id AS country, c.name AS name, overall_risk, assessed_on, score_risk, score_rank, scored_on
ORDER BY coalesce(overall_risk, -1) DESC, coalesce(score_risk, -1.0) DESC, country
