// name: country_lookup
// description: One country by id, read from its id first (the API's country look-up): its region,
//   monitoring settings, the overall risk and trend of its latest published assessment on or
//   before a date, and its statistical risk scores (e.g. the Early Warning Project's) dated on or
//   before it, each with its date, risk, rank, dataset and dataset version. The columns of
//   country_overview up to risk_trend, then scores (empty when there is none, in no order;
//   queries.lookups.latest_score gives country_overview's score columns from them); no row
//   when no country has the id.
// users: planners
// param country: str | country id, e.g. country/RWA (RWA is read as country/RWA)
// param as_of: date = today | latest assessment and scores on or before this day
// returns: country, name, notation, region, region_name, monitored, review_interval_months, assessment, assessed_on, overall_risk, risk_trend, scores
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
WITH c, a, r, collect({date: s.date, risk: s.risk, rank: s.rank, dataset: s.dataset,
                       dataset_version: s.dataset_version}) AS scores
RETURN c.id AS country, c.name AS name, c.notation AS notation, r.id AS region,
       r.name AS region_name, coalesce(c.monitored, false) AS monitored,
       c.review_interval_months AS review_interval_months, a.id AS assessment,
       a.date AS assessed_on, a.overall_risk AS overall_risk, a.risk_trend AS risk_trend, scores
ORDER BY region
