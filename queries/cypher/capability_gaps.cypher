// name: capability_gaps
// description: Capability gaps of the stakeholders named in a country's recommendations: the
//   capabilities they were assessed to have at or below a level ('assessed-low'), and those
//   the recommendations addressed to them should build ('to-build', with the level if known).
// users: planners
// param country: str | country id
// param max_level: int = 1 in 0..3 | highest capability level that counts as a gap
// returns: actor, actor_name, capability, capability_name, level, assessed_on, reason
// example: country=country/QZA
MATCH (:Country {id: $country})<-[:ASSESSES]-(:Assessment)-[:MAKES]->(:Recommendation)-[:ADDRESSED_TO]->(s:Actor)
WITH DISTINCT s
MATCH (s)-[h:HAS_CAPABILITY]->(k:Capability)
WHERE h.level <= $max_level
RETURN s.id AS actor, s.name AS actor_name, k.id AS capability, k.name AS capability_name,
       h.level AS level, h.assessed_on AS assessed_on, 'assessed-low' AS reason
ORDER BY actor, capability
UNION ALL
MATCH (:Country {id: $country})<-[:ASSESSES]-(:Assessment)-[:MAKES]->(r:Recommendation)-[:ADDRESSED_TO]->(s:Actor)
MATCH (r)-[:BUILDS]->(k:Capability)
WITH DISTINCT s, k
OPTIONAL MATCH (s)-[h:HAS_CAPABILITY]->(k)
RETURN s.id AS actor, s.name AS actor_name, k.id AS capability, k.name AS capability_name,
       h.level AS level, h.assessed_on AS assessed_on, 'to-build' AS reason
ORDER BY actor, capability
