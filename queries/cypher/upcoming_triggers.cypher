// name: upcoming_triggers
// description: Triggers anticipated in the next months across all monitored countries, with
//   the window and likelihood given by the latest published assessment (on or before today)
//   that anticipates each trigger.
// users: planners
// param today: date = today | the day to look ahead from
// param months: int = 6 in 1..120 | how many months ahead
// returns: country, country_name, trigger, name, trigger_type, expected_from, expected_to, likelihood, assessment
// example: today=2024-08-01 months=6
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)-[:ANTICIPATES]->(t:Trigger)
WHERE c.monitored = true AND a.status = 'published' AND a.date <= $today
WITH c, t, max(a.date) AS latest
MATCH (c)<-[:ASSESSES]-(a:Assessment)-[x:ANTICIPATES]->(t)
WHERE a.date = latest AND a.status = 'published'
  AND x.expected_from <= $today + duration({months: $months})
  AND coalesce(x.expected_to, x.expected_from) >= $today
OPTIONAL MATCH (t)-[:OF_TYPE]->(tt:TriggerType)
RETURN c.id AS country, c.name AS country_name, t.id AS trigger, t.name AS name,
       tt.id AS trigger_type, x.expected_from AS expected_from, x.expected_to AS expected_to,
       x.likelihood AS likelihood, a.id AS assessment
ORDER BY expected_from, country, trigger
