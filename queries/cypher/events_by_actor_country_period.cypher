// name: events_by_actor_country_period
// description: Events (ACLED, UCDP GED…) in a period, optionally of one actor and/or in one
//   country (by the event's own iso3 column, so other countries' events are not visited), with
//   fatalities, perpetrators and targeted groups.
// users: analysts
// param actor: str = "" | actor id among the perpetrators (empty: any)
// param country: str = "" | country id (empty: any)
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: event, date, country, location, event_type, sub_event_type, fatalities, civilian_targeting, dataset, dataset_version, actors, targeted_groups
// example: country=country/QZA date_from=2024-01-01
MATCH (e:Event)
WHERE e.date >= $date_from AND e.date <= $date_to
  AND ($country = '' OR 'country/' + e.iso3 = $country)
  AND ($actor = '' OR EXISTS { MATCH (:Actor {id: $actor})-[:PERPETRATED]->(e) })
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
WITH e, l, 'country/' + e.iso3 AS country
OPTIONAL MATCH (x:Actor)-[:PERPETRATED]->(e)
WITH e, l, country, collect(DISTINCT x.id) AS actors
OPTIONAL MATCH (e)-[:TARGETED]->(g:VictimGroup)
RETURN e.id AS event, e.date AS date, country, l.id AS location, e.event_type AS event_type,
       e.sub_event_type AS sub_event_type, e.fatalities AS fatalities,
       e.civilian_targeting AS civilian_targeting, e.dataset AS dataset, e.dataset_version AS dataset_version, actors,
       collect(DISTINCT g.id) AS targeted_groups
ORDER BY date, event
