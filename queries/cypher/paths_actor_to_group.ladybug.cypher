// Ladybug text of paths_actor_to_group.cypher: Ladybug has list_transform(list, x -> ...) and
// label(r) where Neo4j has list comprehensions and type(r), and cannot sort by a list.
MATCH p = (a:Actor {id: $actor})-[:SUPPORTS|ARMS|COMMANDS|FUNDS|ALLIED_WITH|MEMBER_OF|HAS_LEVERAGE_OVER|THREATENS|PERPETRATED|TARGETED*1..4]->(g:VictimGroup {id: $victim_group})
WHERE length(p) <= $max_hops
WITH length(p) AS hops, list_transform(nodes(p), n -> n.id) AS nodes,
     list_transform(rels(p), r -> label(r)) AS relationships
RETURN hops, nodes, relationships
ORDER BY hops, list_to_string(' ', nodes)
LIMIT $max_paths
