// Ladybug text of events_in_country_period.cypher: the UNION's null location is typed
// (CAST(NULL AS STRING)); Neo4j takes a bare NULL.
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
RETURN e.id AS event, e.date AS date, $country AS country, CAST(NULL AS STRING) AS location, e.event_type AS event_type,
       e.sub_event_type AS sub_event_type, e.fatalities AS fatalities,
       e.civilian_targeting AS civilian_targeting, e.dataset AS dataset, e.dataset_version AS dataset_version,
       actors, targeted_groups
ORDER BY date, event
