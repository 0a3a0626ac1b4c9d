// name: map_alerts_of_country
// description: Early-warning alerts of a country whose period starts in a window, each with the
//   position of its located evidence events (none when no evidence event has a place),
//   as sums in whole millionths of a degree over `located_events` (exact in any order, so both
//   backends agree), newest first and the strongest first within a period.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | only alerts whose period starts on or after this day
// param date_to: date = today | only alerts whose period starts on or before this day
// returns: alert, kind, period_start, period_end, dimension, slice, strength, status, explanation, evidence_events, located_events, latitude_micro, longitude_micro
// example: country=country/QZA
MATCH (a:Alert)
WHERE 'country/' + a.iso3 = $country AND a.period_start >= $date_from AND a.period_start <= $date_to
OPTIONAL MATCH (a)-[:BASED_ON]->(e:Event)
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
WITH a, count(DISTINCT e) AS evidence_events, count(l) AS located_events,
     sum(round(l.latitude * 1000000.0, 0)) AS latitude_sum, sum(round(l.longitude * 1000000.0, 0)) AS longitude_sum
RETURN a.id AS alert, a.alert_kind AS kind, a.period_start AS period_start, a.period_end AS period_end,
       a.dimension AS dimension, a.slice AS slice, a.signal_strength AS strength, a.alert_status AS status,
       a.explanation AS explanation, evidence_events, located_events,
       CASE WHEN located_events = 0 THEN NULL ELSE latitude_sum END AS latitude_micro,
       CASE WHEN located_events = 0 THEN NULL ELSE longitude_sum END AS longitude_micro
ORDER BY period_start DESC, strength DESC, alert
