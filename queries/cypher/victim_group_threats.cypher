// name: victim_group_threats
// description: A victim group and the actors that threaten it on a date, each with the
//   confidence of the threat, the sources cited, the events the actor perpetrated against the
//   group and the actors that support, arm, fund or command it; one row per threatening actor
//   (a group nobody threatens has one row with an empty actor, an unknown group none).
// users: planners
// param victim_group: str | victim group id, e.g. group/tutsi
// param as_of: date = today | threats must be valid on this day
// returns: victim_group, name, basis, protected, population_estimate, countries, actor, actor_name, kind, confidence, sources, events, backers
// example: victim_group=group/valley-people
MATCH (g:VictimGroup {id: $victim_group})
OPTIONAL MATCH (g)-[:LIVES_IN]->(c:Country)
WITH g, collect(DISTINCT c.id) AS countries
OPTIONAL MATCH (x:Actor)-[t:THREATENS]->(g)
WHERE coalesce(t.valid_from, $as_of) <= $as_of AND coalesce(t.valid_to, $as_of) >= $as_of
OPTIONAL MATCH (x)-[:PERPETRATED]->(e:Event)-[:TARGETED]->(g)
WITH g, countries, x, t, count(DISTINCT e) AS events
OPTIONAL MATCH (b:Actor)-[:SUPPORTS|ARMS|FUNDS|COMMANDS]->(x)
RETURN g.id AS victim_group, g.name AS name, g.basis AS basis, g.protected AS protected,
       g.population_estimate AS population_estimate, countries, x.id AS actor,
       x.name AS actor_name, x.kind AS kind, t.confidence AS confidence, t.sources AS sources,
       events, collect(DISTINCT b.id) AS backers
ORDER BY actor
