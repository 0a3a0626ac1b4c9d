// name: recommendations_by_addressee_status
// description: Recommendations grouped by the actor they are addressed to and their status
//   (proposed, adopted, implemented, rejected), optionally for one addressee, status or country.
// users: planners
// param addressee: str = "" | actor id (empty: every addressee)
// param status: str = "" | proposed, adopted, implemented or rejected (empty: any)
// param country: str = "" | country id (empty: every country)
// returns: addressee, addressee_name, status, recommendation, name, option, priority, timeframe, country, assessment, date, outcome, outcome_code
// example: addressee=actor/test-regional-body
MATCH (c:Country)<-[:ASSESSES]-(a:Assessment)-[:MAKES]->(r:Recommendation)-[:ADDRESSED_TO]->(s:Actor)
WHERE ($addressee = '' OR s.id = $addressee)
  AND ($status = '' OR r.status = $status)
  AND ($country = '' OR c.id = $country)
OPTIONAL MATCH (r)-[:OF_OPTION]->(o:ResponseOption)
RETURN s.id AS addressee, s.name AS addressee_name, r.status AS status, r.id AS recommendation,
       r.name AS name, o.id AS option, r.priority AS priority, r.timeframe AS timeframe,
       c.id AS country, a.id AS assessment, a.date AS date, r.outcome AS outcome,
       r.outcome_code AS outcome_code
ORDER BY addressee, status, date, recommendation
