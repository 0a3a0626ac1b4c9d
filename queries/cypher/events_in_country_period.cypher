// name: events_in_country_period
// description: Events (ACLED, UCDP GED…) of one country in a period, with fatalities, perpetrators
//   and targeted groups, read from the country node (through its locations, then the events
//   placed at the country itself) so no other country's event is visited: the fast form of
//   events_by_actor_country_period for a country without an actor. Ordered by date and id,
//   events placed at a location first, then those placed only at the country.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: event, date, country, location, event_type, sub_event_type, fatalities, civilian_targeting, dataset, dataset_version, actors, targeted_groups
// example: country=country/QZA date_from=2024-01-01
MATCH (:Country {id: $country})<-[:IN_COUNTRY]-(:Location)<-[:OCCURRED_IN]-(e:Event)
WHERE e.date >= $date_from AND e.date <= $date_to
OPTIONAL MATCH (x:Actor)-[:PERPETRATED]->(e)
WITH e, collect(DISTINCT x.id) AS actors
OPTIONAL MATCH (e)-[:TARGETED]->(g:VictimGroup)
WITH e, actors, collect(DISTINCT g.id) AS targeted_groups
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
RETURN e.id AS event, e.date AS date, $country AS country, l.id AS location, e.event_type AS event_type,
       e.sub_event_type AS sub_event_type, e.fatalities AS fatalities,
       e.civilian_targeting AS civilian_targeting, e.dataset AS dataset, e.dataset_version AS dataset_version,
       actors, targeted_groups
ORDER BY date, event
UNION ALL
MATCH (:Country {id: $country})<-[:OCCURRED_IN]-(e:Event)
WHERE e.date >= $date_from AND e.date <= $date_to
OPTIONAL MATCH (x:Actor)-[:PERPETRATED]->(e)
WITH e, collect(DISTINCT x.id) AS actors
OPTIONAL MATCH (e)-[:TARGETED]->(g:VictimGroup)
WITH e, actors, collect(DISTINCT g.id) AS targeted_groups
RETURN e.id AS event, e.date AS date, $country AS country, NULL AS location, e.event_type AS event_type,
       e.sub_event_type AS sub_event_type, e.fatalities AS fatalities,
       e.civilian_targeting AS civilian_targeting, e.dataset AS dataset, e.dataset_version AS dataset_version,
       actors, targeted_groups
ORDER BY date, event
