// name: map_alerts_of_country
// description: Early-warning alerts of a country whose period starts in a window, each with the
//   mean position of its located evidence events (none when no evidence event has a place),
//   newest first and the strongest first within a period.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | only alerts whose period starts on or after this day
// param date_to: date = today | only alerts whose period starts on or before this day
// returns: alert, kind, period_start, period_end, dimension, slice, strength, status, explanation, evidence_events, located_events, latitude, longitude
// example: country=country/QZA
MATCH (a:Alert)
WHERE 'country/' + a.iso3 = $country AND a.period_start >= $date_from AND a.period_start <= $date_to
OPTIONAL MATCH (a)-[:BASED_ON]->(e:Event)
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
WITH a, count(DISTINCT e) AS evidence_events, count(l) AS located_events, round(avg(l.latitude), 6) AS latitude,
     round(avg(l.longitude), 6) AS longitude
RETURN a.id AS alert, a.alert_kind AS kind, a.period_start AS period_start, a.period_end AS period_end,
       a.dimension AS dimension, a.slice AS slice, a.signal_strength AS strength, a.alert_status AS status,
       a.explanation AS explanation, evidence_events, located_events, latitude, longitude
ORDER BY period_start DESC, strength DESC, alert
