// name: map_event_summary
// description: How many events of a country fall in a period, how many of them have a located
//   place (latitude and longitude) to draw, their fatalities, and the box the located ones span,
//   so a map can choose between single points and a grid before reading them.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: events, located, fatalities, first_date, last_date, min_latitude, max_latitude, min_longitude, max_longitude
// example: country=country/QZA date_from=2024-01-01
MATCH (e:Event)
WHERE 'country/' + e.iso3 = $country AND e.date >= $date_from AND e.date <= $date_to
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
WITH e, l
RETURN count(e) AS events, count(l) AS located, sum(coalesce(e.fatalities, 0)) AS fatalities,
       min(e.date) AS first_date, max(e.date) AS last_date,
       min(l.latitude) AS min_latitude, max(l.latitude) AS max_latitude,
       min(l.longitude) AS min_longitude, max(l.longitude) AS max_longitude
