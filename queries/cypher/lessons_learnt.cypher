// name: lessons_learnt
// description: Past uses of a response option across countries: every recommendation of that
//   option with its status and recorded outcome, oldest first.
// users: planners, analysts
// param option: str | response option id, e.g. option/targeted-sanctions
// param statuses: list[str] = proposed,adopted,implemented,rejected | recommendation statuses to include
// returns: country, country_name, assessment, date, recommendation, name, addressee, status, outcome
// example: option=option/targeted-sanctions statuses=implemented,rejected
MATCH (r:Recommendation)-[:OF_OPTION]->(:ResponseOption {id: $option})
WHERE r.status IN $statuses
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)-[:MAKES]->(r)
OPTIONAL MATCH (r)-[:ADDRESSED_TO]->(s:Actor)
RETURN c.id AS country, c.name AS country_name, a.id AS assessment, a.date AS date,
       r.id AS recommendation, r.name AS name, s.id AS addressee, r.status AS status,
       r.outcome AS outcome
ORDER BY date, recommendation
