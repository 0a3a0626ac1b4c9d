// Ladybug text of map_event_points.cypher: the window's days are bound once in a leading WITH, which
// Ladybug runs about twice as fast over a million events as comparing with the parameters on
// every row (benchmarks/bench_maps.py).
WITH CAST($date_from AS DATE) AS first_day, CAST($date_to AS DATE) AS last_day
MATCH (e:Event)-[:OCCURRED_IN]->(l:Location)
WHERE 'country/' + e.iso3 = $country AND e.date >= first_day AND e.date <= last_day
  AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
RETURN e.id AS event, e.date AS date, l.latitude AS latitude, l.longitude AS longitude, l.name AS place,
       coalesce(e.area, l.admin1) AS area, e.event_type AS event_type, e.sub_event_type AS sub_event_type,
       e.disorder_type AS disorder_type, e.civilian_targeting AS civilian_targeting,
       coalesce(e.fatalities, 0) AS fatalities, e.dataset AS dataset, e.dataset_version AS dataset_version
ORDER BY fatalities DESC, date DESC, event
