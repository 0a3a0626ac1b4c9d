// name: response_options_for_country
// description: Response options that mitigate the risk factors found at or above a level by
//   the latest published assessment of a country, ordered along the continuum of steps
//   (stage_rank) and by category, each with the risk factors it addresses and the actors with
//   a direct HAS_LEVERAGE_OVER the country's potential perpetrators (chains through
//   intermediaries, levers matched to options and the situation's order: leverage_chains and
//   GET /api/v1/countries/{iso3}/responses).
// users: planners
// param country: str | country id
// param min_level: int = 2 in 0..3 | lowest finding level that counts as present
// param as_of: date = today | use the latest published assessment on or before this day
// returns: option, name, stage_rank, category, categories, stages, risk_factors, stakeholders_with_leverage
// example: country=country/QZA min_level=2
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.status = 'published' AND a.date <= $as_of
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
OPTIONAL MATCH (a)-[:IDENTIFIES {role: 'potential-perpetrator'}]->(:Actor)<-[:HAS_LEVERAGE_OVER]-(s:Actor)
WITH a, collect(DISTINCT s.id) AS leverage
MATCH (a)-[f:FINDS]->(rf:RiskFactor)
WHERE f.level >= $min_level
MATCH (o:ResponseOption)-[:MITIGATES]->(rf)
WITH o, leverage, collect(DISTINCT rf.id) AS risk_factors
UNWIND o.categories AS one_category
WITH o, leverage, risk_factors, min(one_category) AS category
RETURN o.id AS option, o.name AS name, o.stage_rank AS stage_rank, category,
       o.categories AS categories, o.stages AS stages, risk_factors,
       leverage AS stakeholders_with_leverage
ORDER BY stage_rank, category, option
