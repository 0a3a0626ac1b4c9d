// name: map_event_points
// description: The located events of a country in a period, one row per event with its place
//   (latitude, longitude, name, admin-1 area), type, fatalities and dataset, the deadliest first;
//   the caller caps the rows (a map aggregates with map_event_grid above its cap).
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: event, date, latitude, longitude, place, area, event_type, sub_event_type, disorder_type, civilian_targeting, fatalities, dataset, dataset_version
// example: country=country/QZA date_from=2024-01-01
MATCH (e:Event)-[:OCCURRED_IN]->(l:Location)
WHERE 'country/' + e.iso3 = $country AND e.date >= $date_from AND e.date <= $date_to
  AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
RETURN e.id AS event, e.date AS date, l.latitude AS latitude, l.longitude AS longitude, l.name AS place,
       coalesce(e.area, l.admin1) AS area, e.event_type AS event_type, e.sub_event_type AS sub_event_type,
       e.disorder_type AS disorder_type, e.civilian_targeting AS civilian_targeting,
       coalesce(e.fatalities, 0) AS fatalities, e.dataset AS dataset, e.dataset_version AS dataset_version
ORDER BY fatalities DESC, date DESC, event
