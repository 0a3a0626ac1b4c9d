// name: actor_lookup
// description: One actor by id, read from its id first (the API's actor look-up): its aliases, the
//   countries it operates in, the assessments naming it with the roles given, and each role
//   claim (assessment, date, status, role, the ids of the sources cited for it). The columns of
//   actor_search plus claims; no row when no actor has the id. An actor no assessment names has
//   one claim whose fields are all null.
// users: planners, analysts
// param actor: str | actor id, e.g. actor/interahamwe (interahamwe is read as actor/interahamwe)
// returns: actor, name, kind, aliases, description, countries, roles, assessments, claims
// example: actor=actor/interahamwe
MATCH (x:Actor {id: $actor})
OPTIONAL MATCH (x)-[:OPERATES_IN]->(c:Country)
WITH x, collect(DISTINCT c.id) AS countries
OPTIONAL MATCH (a:Assessment)-[i:IDENTIFIES]->(x)
WITH x, countries, collect(DISTINCT i.role) AS roles, collect(DISTINCT a.id) AS assessments,
     collect({assessment: a.id, date: a.date, status: a.status, role: i.role, sources: i.sources}) AS claims
RETURN x.id AS actor, x.name AS name, x.kind AS kind, x.aliases AS aliases,
       x.description AS description, countries, roles, assessments, claims
