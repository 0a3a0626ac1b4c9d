// name: monitoring_cadence
// description: Monitored countries due for re-assessment: those whose latest published
//   assessment is older than their review interval (in months) before today, and those never
//   assessed. Overdue countries come first, the most overdue at the top. Countries whose latest
//   assessment is a retrospective case study set no cadence and are left out unless asked for.
// users: planners
// param today: date = today | the day to measure from
// param include_never: bool = true | also list monitored countries never assessed
// param include_retrospective: bool = false | also list countries whose latest assessment is a retrospective case study
// param default_interval_months: int = 12 in 1..120 | review interval of a country that sets none
// returns: country, name, last_assessed, retrospective, review_interval_months, due, status, days_overdue
// example: today=2025-03-01 include_never=false
MATCH (c:Country)
WHERE c.monitored = true
OPTIONAL MATCH (a:Assessment)-[:ASSESSES]->(c)
WHERE a.status = 'published' AND a.date <= $today
WITH c, max(a.date) AS last_assessed,
     coalesce(c.review_interval_months, $default_interval_months) AS review_months
OPTIONAL MATCH (l:Assessment)-[:ASSESSES]->(c)
WHERE l.status = 'published' AND l.date = last_assessed
WITH c, last_assessed, review_months, coalesce(max(l.retrospective), false) AS retrospective
WHERE $include_retrospective OR NOT retrospective
WITH c, last_assessed, review_months, retrospective, last_assessed + duration({months: review_months}) AS due
WHERE (last_assessed IS NULL AND $include_never) OR due < $today
RETURN c.id AS country, c.name AS name, last_assessed, retrospective, review_months AS review_interval_months,
       due, CASE WHEN last_assessed IS NULL THEN 'never-assessed' ELSE 'overdue' END AS status,
       CASE WHEN due IS NULL THEN NULL ELSE duration.inDays(due, $today).days END AS days_overdue
ORDER BY status DESC, days_overdue DESC, country
