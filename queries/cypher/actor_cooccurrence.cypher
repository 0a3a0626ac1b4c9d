// name: actor_cooccurrence
// description: Pairs of actors that perpetrated the same events in a period (optionally in one
//   country), with the number of shared events, their fatalities and first and last dates.
// users: analysts
// param country: str = "" | country id (empty: any)
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// param min_events: int = 1 | fewest shared events for a pair to be listed
// returns: actor_a, name_a, actor_b, name_b, events, fatalities, first_date, last_date
// example: country=country/QZA
MATCH (a:Actor)-[:PERPETRATED]->(e:Event)<-[:PERPETRATED]-(b:Actor)
WHERE a.id < b.id AND e.date >= $date_from AND e.date <= $date_to
  AND ($country = ''
       OR EXISTS { MATCH (e)-[:OCCURRED_IN]->(:Country {id: $country}) }
       OR EXISTS { MATCH (e)-[:OCCURRED_IN]->(:Location)-[:IN_COUNTRY]->(:Country {id: $country}) })
WITH a, b, count(DISTINCT e) AS events, sum(e.fatalities) AS fatalities,
     min(e.date) AS first_date, max(e.date) AS last_date
WHERE events >= $min_events
RETURN a.id AS actor_a, a.name AS name_a, b.id AS actor_b, b.name AS name_b, events,
       fatalities, first_date, last_date
ORDER BY events DESC, actor_a, actor_b
