// Ladybug text of country_network.cypher: a relationship's type is label(r) in Ladybug,
// type(r) in Neo4j.
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
RETURN x.id AS source, x.name AS source_name, label(r) AS type, y.id AS target,
       y.name AS target_name, r.confidence AS confidence, r.lever AS lever, r.sources AS sources
ORDER BY source, type, target
