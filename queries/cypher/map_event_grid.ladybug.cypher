// Ladybug text of map_event_grid.cypher: the window's days are bound once in a leading WITH, which
// Ladybug runs about twice as fast over a million events as comparing with the parameters on
// every row (benchmarks/bench_maps.py).
WITH CAST($date_from AS DATE) AS first_day, CAST($date_to AS DATE) AS last_day
MATCH (e:Event)-[:OCCURRED_IN]->(l:Location)
WHERE 'country/' + e.iso3 = $country AND e.date >= first_day AND e.date <= last_day
  AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
WITH floor(l.latitude * 100.0 / $cell) AS cell_y, floor(l.longitude * 100.0 / $cell) AS cell_x,
     l.latitude AS lat, l.longitude AS lon, e.event_type AS event_type, e.sub_event_type AS sub_event_type,
     coalesce(e.civilian_targeting, false) AS civilian_targeting, coalesce(e.fatalities, 0) AS deaths, e.date AS day
RETURN cell_y, cell_x, sum(round(lat * 1000000.0, 0)) AS latitude_micro,
       sum(round(lon * 1000000.0, 0)) AS longitude_micro, event_type, sub_event_type, civilian_targeting,
       count(*) AS events, sum(deaths) AS fatalities, min(day) AS first_date, max(day) AS last_date
ORDER BY cell_y, cell_x, event_type, sub_event_type, civilian_targeting
