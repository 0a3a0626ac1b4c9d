// name: review_due
// description: Countries whose alerts are newer than their latest published assessment are due
//   for review, whatever their cadence: per country with alerts, the alerts not dismissed since
//   that assessment, the new (unhandled) ones, the strongest and the latest, and whether the
//   latest assessment was retrospective. Due countries first, the strongest alerts first.
// users: analysts, planners
// param today: date = today | count alerts whose period starts on or before this day
// returns: country, name, last_assessed, retrospective, alerts_since_assessment, new_alerts, max_strength, latest_alert, due_for_review
// example: today=2025-03-01
MATCH (c:Country)<-[:RAISED_FOR]-(a:Alert)
WHERE a.period_start <= $today
OPTIONAL MATCH (c)<-[:ASSESSES]-(s:Assessment)
WHERE s.status = 'published' AND s.date <= $today
WITH c, a, max(s.date) AS last_assessed
OPTIONAL MATCH (c)<-[:ASSESSES]-(l:Assessment)
WHERE l.status = 'published' AND l.date = last_assessed
WITH c, a, last_assessed, coalesce(max(l.retrospective), false) AS retrospective
WITH c, last_assessed, retrospective,
     sum(CASE WHEN a.alert_status <> 'dismissed'
              AND (last_assessed IS NULL OR a.period_end > last_assessed) THEN 1 ELSE 0 END) AS since,
     sum(CASE WHEN a.alert_status = 'new' THEN 1 ELSE 0 END) AS new_alerts,
     max(CASE WHEN a.alert_status <> 'dismissed' THEN a.signal_strength END) AS max_strength,
     max(a.period_end) AS latest_alert
RETURN c.id AS country, c.name AS name, last_assessed, retrospective,
       since AS alerts_since_assessment, new_alerts, max_strength, latest_alert,
       since > 0 AS due_for_review
ORDER BY due_for_review DESC, max_strength DESC, country
