// name: country_lookup
// description: One country by id, read from its id first (the API's country look-up): its region,
//   monitoring settings, the overall risk and trend of its latest published assessment and its
//   latest statistical risk score with the dataset versions of that score, both on or before a
//   date. The row country_overview gives for the country, plus score_versions; no row when no
//   country has the id.
// users: planners
// param country: str | country id, e.g. country/RWA (RWA is read as country/RWA)
// param as_of: date = today | latest assessment and score on or before this day
// returns: country, name, notation, region, region_name, monitored, review_interval_months, assessment, assessed_on, overall_risk, risk_trend, score_risk, score_rank, scored_on, score_dataset, score_versions
// example: country=country/RWA
MATCH (c:Country {id: $country})
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date <= $as_of
WITH c, a
ORDER BY a.date DESC, a.id DESC
LIMIT 1
OPTIONAL MATCH (c)-[:IN_REGION]->(r:Region)
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date <= $as_of
WITH c, a, r, max(s.date) AS scored_on
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date = scored_on
WITH c, a, r, scored_on, max(s.risk) AS score_risk, min(s.rank) AS score_rank,
     min(s.dataset) AS score_dataset, collect(s.dataset_version) AS score_versions
RETURN c.id AS country, c.name AS name, c.notation AS notation, r.id AS region,
       r.name AS region_name, coalesce(c.monitored, false) AS monitored,
       c.review_interval_months AS review_interval_months, a.id AS assessment,
       a.date AS assessed_on, a.overall_risk AS overall_risk, a.risk_trend AS risk_trend,
       score_risk, score_rank, scored_on, score_dataset, score_versions
ORDER BY region
