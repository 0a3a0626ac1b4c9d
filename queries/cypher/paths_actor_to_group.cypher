// name: paths_actor_to_group
// description: Directed paths from an actor to a victim group through support, arms, command,
//   funding, alliance, membership, leverage, threats and perpetrated events, shortest first:
//   who connects them.
// users: analysts
// param actor: str | actor id where paths start
// param victim_group: str | victim group id where paths end
// param max_hops: int = 4 in 1..4 | longest path
// param max_paths: int = 50 in 1..1000 | how many paths to return
// returns: hops, nodes, relationships
// example: actor=actor/qz-government victim_group=group/valley-people max_hops=3
MATCH p = (a:Actor {id: $actor})-[:SUPPORTS|ARMS|COMMANDS|FUNDS|ALLIED_WITH|MEMBER_OF|HAS_LEVERAGE_OVER|THREATENS|PERPETRATED|TARGETED*1..4]->(g:VictimGroup {id: $victim_group})
WHERE length(p) <= $max_hops
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS nodes,
       [r IN relationships(p) | type(r)] AS relationships
ORDER BY hops, nodes
LIMIT $max_paths
