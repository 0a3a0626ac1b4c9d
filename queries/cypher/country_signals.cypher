// name: country_signals
// description: A country's stored event series: per period (month or week) the number of events,
//   fatalities, civilian-targeting events, civilian deaths and political-violence events, overall
//   or per admin-1 area, perpetrator, targeted group, event category or Framework indicator (read
//   from the country through SERIES_OF, then filtered: not by scanning every point).
// users: analysts, researchers
// param country: str | country id, e.g. country/SYR
// param granularity: str = month | month or week
// param dimension: str = all | all, admin1, actor, group, category or indicator
// param slice: str = "" | one area, actor id, group id, category or indicator id (empty: every slice)
// param date_from: date = 1900-01-01 | first period start
// param date_to: date = today | last period start
// returns: period_start, dimension, slice, events, fatalities, civilian_events, civilian_deaths, political_violence_events
// example: country=country/QZA dimension=category slice=civilian-targeting
MATCH (:Country {id: $country})<-[:SERIES_OF]-(s:SeriesPoint)
WITH s
WHERE s.granularity = $granularity AND s.dimension = $dimension
  AND ($slice = '' OR s.slice = $slice)
  AND s.period_start >= $date_from AND s.period_start <= $date_to
RETURN s.period_start AS period_start, s.dimension AS dimension, s.slice AS slice,
       s.event_count AS events, s.fatality_count AS fatalities,
       s.civilian_event_count AS civilian_events, s.civilian_death_count AS civilian_deaths,
       s.political_violence_count AS political_violence_events
ORDER BY slice, period_start
