// Ladybug text of monitoring_cadence.cypher: months are added with to_months(n) and the
// difference of two dates is a number of days (Neo4j: duration({months: n}), duration.inDays).
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
WITH c, last_assessed, review_months, retrospective, last_assessed + to_months(review_months) AS due
WHERE (last_assessed IS NULL AND $include_never) OR due < $today
RETURN c.id AS country, c.name AS name, last_assessed, retrospective, review_months AS review_interval_months,
       due, CASE WHEN last_assessed IS NULL THEN 'never-assessed' ELSE 'overdue' END AS status,
       $today - due AS days_overdue
ORDER BY status DESC, days_overdue DESC, country
