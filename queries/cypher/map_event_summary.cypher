// name: map_event_summary
// description: How many events of a country fall in a period, their fatalities, first and last
//   day and the dataset versions they come from, with the box the country's located places span
//   (over all time), so a map can choose between single points and a grid, and size the grid,
//   before reading the events' places.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: events, fatalities, first_date, last_date, dataset_versions, min_latitude, max_latitude, min_longitude, max_longitude
// example: country=country/QZA date_from=2024-01-01
MATCH (e:Event)
WHERE 'country/' + e.iso3 = $country AND e.date >= $date_from AND e.date <= $date_to
WITH count(e) AS events, sum(coalesce(e.fatalities, 0)) AS fatalities, min(e.date) AS first_date,
     max(e.date) AS last_date, collect(DISTINCT e.dataset_version) AS dataset_versions
OPTIONAL MATCH (l:Location)-[:IN_COUNTRY]->(:Country {id: $country})
WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
RETURN events, fatalities, first_date, last_date, dataset_versions,
       min(l.latitude) AS min_latitude, max(l.latitude) AS max_latitude,
       min(l.longitude) AS min_longitude, max(l.longitude) AS max_longitude
