// name: risk_watchlist
// description: Watch-list: countries whose latest published assessment (on or before a date)
//   gives a higher overall risk than the published assessment before it.
// users: analysts, planners
// param as_of: date = today | compare the latest two published assessments on or before this day
// returns: country, name, assessment, date, overall_risk, risk_trend, previous_assessment, previous_date, previous_risk, change
// example: as_of=2024-12-31
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)
WHERE a.status = 'published' AND a.date <= $as_of
WITH c, max(a.date) AS latest_date
MATCH (c)<-[:ASSESSES]-(p:Assessment)
WHERE p.status = 'published' AND p.date < latest_date
WITH c, latest_date, max(p.date) AS previous_date
MATCH (c)<-[:ASSESSES]-(a:Assessment)
WHERE a.status = 'published' AND a.date = latest_date
MATCH (c)<-[:ASSESSES]-(p:Assessment)
WHERE p.status = 'published' AND p.date = previous_date
WITH c, a, p
WHERE a.overall_risk > p.overall_risk
RETURN c.id AS country, c.name AS name, a.id AS assessment, a.date AS date,
       a.overall_risk AS overall_risk, a.risk_trend AS risk_trend, p.id AS previous_assessment,
       p.date AS previous_date, p.overall_risk AS previous_risk,
       a.overall_risk - p.overall_risk AS change
ORDER BY change DESC, overall_risk DESC, country
