// name: actor_ego_network
// description: An actor's ego network: the actors and victim groups within a number of steps
//   over actor-to-actor relationships and threats (either direction), and every relationship
//   among them; each row is one relationship with the larger distance of its two ends.
// users: analysts
// param actor: str | actor id at the centre
// param depth: int = 1 in 1..3 | steps from the actor
// returns: source, source_name, type, target, target_name, hops, confidence, lever, sources, valid_from, valid_to
// example: actor=actor/qz-night-riders depth=2
MATCH p = (ego:Actor {id: $actor})-[:SUPPORTS|ARMS|COMMANDS|FUNDS|ALLIED_WITH|MEMBER_OF|OPPOSES|HAS_LEVERAGE_OVER|THREATENS*1..3]-(n)
WHERE length(p) <= $depth AND n.id <> ego.id
WITH ego, n, min(length(p)) AS distance
WITH ego, collect({id: n.id, hops: distance}) + [{id: ego.id, hops: 0}] AS ring
UNWIND ring AS s
MATCH (x:Actor {id: s.id})-[r:SUPPORTS|ARMS|COMMANDS|FUNDS|ALLIED_WITH|MEMBER_OF|OPPOSES|HAS_LEVERAGE_OVER|THREATENS]->(y)
UNWIND ring AS t
WITH s, t, x, r, y
WHERE y.id = t.id
RETURN x.id AS source, x.name AS source_name, type(r) AS type, y.id AS target,
       y.name AS target_name, CASE WHEN s.hops > t.hops THEN s.hops ELSE t.hops END AS hops,
       r.confidence AS confidence, r.lever AS lever, r.sources AS sources,
       r.valid_from AS valid_from, r.valid_to AS valid_to
ORDER BY hops, source, type, target
