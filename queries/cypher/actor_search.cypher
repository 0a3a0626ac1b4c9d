// name: actor_search
// description: Actors whose name or one of whose aliases contains a text (case-insensitive),
//   optionally one actor by id, of one kind or operating in one country, with their aliases,
//   the countries they operate in, and the assessments that name them with the roles given.
// users: planners, analysts
// param q: str = "" | text to find in the name or an alias (empty: any)
// param actor: str = "" | actor id (empty: any)
// param kind: str = "" | actor kind, e.g. militia (empty: any)
// param country: str = "" | country id the actor operates in (empty: any)
// returns: actor, name, kind, aliases, description, countries, roles, assessments
// example: q=interahamwe
MATCH (x:Actor)
WITH x, toLower($q) AS q
WHERE ($actor = '' OR x.id = $actor) AND ($kind = '' OR x.kind = $kind)
  AND (q = '' OR toLower(x.name) CONTAINS q OR any(alias IN x.aliases WHERE toLower(alias) CONTAINS q))
  AND ($country = '' OR EXISTS { MATCH (x)-[:OPERATES_IN]->(:Country {id: $country}) })
OPTIONAL MATCH (x)-[:OPERATES_IN]->(c:Country)
WITH x, collect(DISTINCT c.id) AS countries
OPTIONAL MATCH (a:Assessment)-[i:IDENTIFIES]->(x)
WITH x, countries, collect(DISTINCT i.role) AS roles, collect(DISTINCT a.id) AS assessments
RETURN x.id AS actor, x.name AS name, x.kind AS kind, x.aliases AS aliases,
       x.description AS description, countries, roles, assessments
ORDER BY name, actor
