// name: map_event_grid
// description: The located events of a country in a period, counted per grid cell of `cell`
//   hundredths of a degree and per kind of event (type, sub-type, civilian targeting): the sums of
//   their latitudes and longitudes in whole millionths of a degree (exact in any order, so both
//   backends agree; divide by `events` for the mean position), their number, fatalities, first and
//   last day.
//   A map draws these cells instead of single events when there are too many to draw.
// users: analysts
// param country: str | country id, e.g. country/SYR
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// param cell: int = 50 in 1..9000 | side of a grid cell in hundredths of a degree (50: half a degree)
// returns: cell_y, cell_x, latitude_micro, longitude_micro, event_type, sub_event_type, civilian_targeting, events, fatalities, first_date, last_date
// example: country=country/QZA cell=100
MATCH (e:Event)-[:OCCURRED_IN]->(l:Location)
WHERE 'country/' + e.iso3 = $country AND e.date >= $date_from AND e.date <= $date_to
  AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
WITH floor(l.latitude * 100.0 / $cell) AS cell_y, floor(l.longitude * 100.0 / $cell) AS cell_x,
     l.latitude AS lat, l.longitude AS lon, e.event_type AS event_type, e.sub_event_type AS sub_event_type,
     coalesce(e.civilian_targeting, false) AS civilian_targeting, coalesce(e.fatalities, 0) AS deaths, e.date AS day
RETURN cell_y, cell_x, sum(round(lat * 1000000.0, 0)) AS latitude_micro,
       sum(round(lon * 1000000.0, 0)) AS longitude_micro, event_type, sub_event_type, civilian_targeting,
       count(*) AS events, sum(deaths) AS fatalities, min(day) AS first_date, max(day) AS last_date
ORDER BY cell_y, cell_x, event_type, sub_event_type, civilian_targeting
