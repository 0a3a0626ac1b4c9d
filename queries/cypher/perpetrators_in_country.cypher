// name: perpetrators_in_country
// description: Potential perpetrators named by the latest published assessment of a country
//   (on or before a date), each with the actors that support, fund, arm and command it, counting
//   only relationships valid on that date.
// users: planners, analysts
// param country: str | country id
// param as_of: date = today | the day the assessment and relationships must be valid on
// returns: actor, name, kind, assessment, supporters, funders, arms_suppliers, commanders
// example: country=country/QZA as_of=2024-12-31
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published' AND a.date <= $as_of
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
MATCH (a)-[:IDENTIFIES {role: 'potential-perpetrator'}]->(p:Actor)
OPTIONAL MATCH (s:Actor)-[r:SUPPORTS]->(p)
WHERE coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
WITH a, p, collect(DISTINCT s.id) AS supporters
OPTIONAL MATCH (f:Actor)-[r:FUNDS]->(p)
WHERE coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
WITH a, p, supporters, collect(DISTINCT f.id) AS funders
OPTIONAL MATCH (m:Actor)-[r:ARMS]->(p)
WHERE coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
WITH a, p, supporters, funders, collect(DISTINCT m.id) AS arms_suppliers
OPTIONAL MATCH (k:Actor)-[r:COMMANDS]->(p)
WHERE coalesce(r.valid_from, $as_of) <= $as_of AND coalesce(r.valid_to, $as_of) >= $as_of
RETURN p.id AS actor, p.name AS name, p.kind AS kind, a.id AS assessment, supporters, funders,
       arms_suppliers, collect(DISTINCT k.id) AS commanders
ORDER BY actor
