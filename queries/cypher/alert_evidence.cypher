// name: alert_evidence
// description: The events behind one alert (those with most civilian deaths and fatalities
//   first), with their date, type, admin-1 area, deaths, dataset and perpetrators, so every
//   number of the alert can be traced to its events.
// users: analysts, researchers
// param alert: str | alert id, e.g. alert/SYR-surge-2018-02-…
// returns: event, date, event_type, area, fatalities, civilian_deaths, civilian_targeting, dataset, actors
// example: alert=alert/QZA-surge-2024-05-0000000000
MATCH (a:Alert {id: $alert})-[:BASED_ON]->(e:Event)
OPTIONAL MATCH (x:Actor)-[:PERPETRATED]->(e)
WITH e, collect(DISTINCT x.id) AS actors
RETURN e.id AS event, e.date AS date, e.event_type AS event_type, e.area AS area,
       e.fatalities AS fatalities, e.civilian_deaths AS civilian_deaths,
       e.civilian_targeting AS civilian_targeting, e.dataset AS dataset, actors
ORDER BY coalesce(civilian_deaths, 0) DESC, coalesce(fatalities, 0) DESC, event
