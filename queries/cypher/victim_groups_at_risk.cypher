// name: victim_groups_at_risk
// description: Victim groups of a country (living there, or concerned by one of its
//   assessments) and the actors that threaten them on a date, one row per group and actor
//   (a group nobody threatens has one row with an empty actor).
// users: planners
// param country: str | country id
// param as_of: date = today | threats must be valid on this day
// returns: victim_group, name, basis, protected, population_estimate, actor, actor_name, confidence
// example: country=country/QZA
MATCH (g:VictimGroup)
WHERE EXISTS { MATCH (g)-[:LIVES_IN]->(:Country {id: $country}) }
   OR EXISTS { MATCH (:Country {id: $country})<-[:ASSESSES]-(:Assessment)-[:CONCERNS]->(g) }
OPTIONAL MATCH (x:Actor)-[t:THREATENS]->(g)
WHERE coalesce(t.valid_from, $as_of) <= $as_of AND coalesce(t.valid_to, $as_of) >= $as_of
RETURN g.id AS victim_group, g.name AS name, g.basis AS basis, g.protected AS protected,
       g.population_estimate AS population_estimate, x.id AS actor, x.name AS actor_name,
       t.confidence AS confidence
ORDER BY victim_group, actor
