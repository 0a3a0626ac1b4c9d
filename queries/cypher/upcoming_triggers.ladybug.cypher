// Ladybug text of upcoming_triggers.cypher: Ladybug adds months with to_months(n), Neo4j
// with duration({months: n}).
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)-[:ANTICIPATES]->(t:Trigger)
WHERE c.monitored = true AND a.status = 'published' AND a.date <= $today
WITH c, t, max(a.date) AS latest
MATCH (c)<-[:ASSESSES]-(a:Assessment)-[x:ANTICIPATES]->(t)
WHERE a.date = latest AND a.status = 'published'
  AND x.expected_from <= $today + to_months($months)
  AND coalesce(x.expected_to, x.expected_from) >= $today
OPTIONAL MATCH (t)-[:OF_TYPE]->(tt:TriggerType)
RETURN c.id AS country, c.name AS country_name, t.id AS trigger, t.name AS name,
       tt.id AS trigger_type, x.expected_from AS expected_from, x.expected_to AS expected_to,
       x.likelihood AS likelihood, a.id AS assessment
ORDER BY expected_from, country, trigger
