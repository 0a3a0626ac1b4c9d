// name: country_overview
// description: Countries with their region, monitoring settings, the overall risk and trend of
//   their latest published assessment and their latest statistical risk score (e.g. the Early
//   Warning Project's), both on or before a date; optionally one country, one region, only
//   monitored countries or only those whose latest overall risk is a given level.
// users: planners
// param country: str = "" | country id (empty: every country)
// param region: str = "" | region id, e.g. region/great-lakes (empty: every region)
// param level: int = -1 in -1..3 | only countries whose latest overall risk is this level (-1: any)
// param monitored_only: bool = false | only the countries the team monitors
// param as_of: date = today | latest assessment and score on or before this day
// returns: country, name, notation, region, region_name, monitored, review_interval_months, assessment, assessed_on, overall_risk, risk_trend, score_risk, score_rank, scored_on, score_dataset
// example: region=region/great-lakes
MATCH (c:Country)
WHERE ($country = '' OR c.id = $country) AND (NOT $monitored_only OR c.monitored = true)
OPTIONAL MATCH (c)-[:IN_REGION]->(r:Region)
WITH c, r
WHERE $region = '' OR r.id = $region
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date <= $as_of
WITH c, r, max(a.date) AS assessed_on
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date = assessed_on
WITH c, r, assessed_on, max(a.id) AS assessment
OPTIONAL MATCH (a:Assessment)
WHERE a.id = assessment
WITH c, r, assessed_on, assessment, a.overall_risk AS overall_risk, a.risk_trend AS risk_trend
WHERE $level = -1 OR overall_risk = $level
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date <= $as_of
WITH c, r, assessed_on, assessment, overall_risk, risk_trend, max(s.date) AS scored_on
OPTIONAL MATCH (s:RiskScore)-[:SCORES]->(c)
WHERE s.date = scored_on
WITH c, r, assessed_on, assessment, overall_risk, risk_trend, scored_on, max(s.risk) AS score_risk,
     min(s.rank) AS score_rank, min(s.dataset) AS score_dataset
RETURN c.id AS country, c.name AS name, c.notation AS notation, r.id AS region,
       r.name AS region_name, coalesce(c.monitored, false) AS monitored,
       c.review_interval_months AS review_interval_months, assessment, assessed_on, overall_risk,
       risk_trend, score_risk, score_rank, scored_on, score_dataset
ORDER BY country
