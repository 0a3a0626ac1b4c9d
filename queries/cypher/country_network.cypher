// name: country_network
// description: The actor network of a country on a date: actors operating there or named by
//   its assessments, the victim groups living there or concerned, and every actor-to-actor
//   relationship and threat among them valid on that date (one row per relationship).
// users: analysts
// param country: str | country id
// param as_of: date = today | relationships must be valid on this day
// returns: source, source_name, type, target, target_name, confidence, lever, sources
// example: country=country/QZA
MATCH (x:Actor)
WHERE EXISTS { MATCH (x)-[:OPERATES_IN]->(:Country {id: $country}) }
   OR EXISTS { MATCH (:Country {id: $country})<-[:ASSESSES]-(:Assessment)-[:IDENTIFIES]->(x) }
WITH collect(x.id) AS actors
OPTIONAL MATCH (g:VictimGroup)
WHERE EXISTS { MATCH (g)-[:LIVES_IN]->(:Country {id: $country}) }
   OR EXISTS { MATCH (:Country {id: $country})<-[:ASSESSES]-(:Assessment)-[:CONCERNS]->(g) }
WITH actors, actors + collect(g.id) AS members
UNWIND actors AS member
MATCH (x:Actor {id: member})-[r:SUPPORTS|ARMS|COMMANDS|FUNDS|ALLIED_WITH|MEMBER_OF|OPPOSES|HAS_LEVERAGE_OVER|THREATENS]->(y)
WHERE y.id IN members
  AND coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN x.id AS source, x.name AS source_name, type(r) AS type, y.id AS target,
       y.name AS target_name, r.confidence AS confidence, r.lever AS lever, r.sources AS sources
ORDER BY source, type, target
