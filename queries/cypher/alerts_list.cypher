// name: alerts_list
// description: Early-warning alerts computed from event series, newest period first and the
//   strongest first within a period, with their explanation and the number of events behind
//   each; optionally of one country, from a date, of one status or of one kind.
// users: analysts, planners, researchers
// param country: str = "" | country id, e.g. country/SYR (empty: every country)
// param since: date = 1900-01-01 | only alerts whose period starts on or after this day
// param status: str = "" | new, acknowledged, dismissed or escalated (empty: any)
// param kind: str = "" | surge, civilian-share, new-actor, new-group, spread or mass-fatality (empty: any)
// returns: alert, country, kind, period_start, period_end, dimension, slice, observed, baseline, tail_probability, strength, status, reason, explanation, evidence_events
// example: country=country/SYR since=2018-01-01
MATCH (a:Alert)
WHERE a.period_start >= $since
  AND ($country = '' OR 'country/' + a.iso3 = $country)
  AND ($status = '' OR a.alert_status = $status)
  AND ($kind = '' OR a.alert_kind = $kind)
RETURN a.id AS alert, 'country/' + a.iso3 AS country, a.alert_kind AS kind,
       a.period_start AS period_start, a.period_end AS period_end, a.dimension AS dimension,
       a.slice AS slice, a.observed AS observed, a.baseline AS baseline,
       a.tail_probability AS tail_probability, a.signal_strength AS strength,
       a.alert_status AS status, a.status_reason AS reason, a.explanation AS explanation,
       COUNT { MATCH (a)-[:BASED_ON]->(:Event) } AS evidence_events
ORDER BY period_start DESC, strength DESC, alert
