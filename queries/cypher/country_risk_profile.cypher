// name: country_risk_profile
// description: Risk profile of a country from its latest assessment on or before a date: one
//   'overall' row (overall risk, trend and summary), one row per risk-factor finding (level,
//   trend, rationale) and one per Framework indicator observed (evidence).
// users: planners
// param country: str | country id, e.g. country/RWA
// param as_of: date = today | use the latest assessment dated on or before this day
// param include_drafts: bool = false | also consider draft and reviewed assessments
// returns: assessment, date, status, section, item, name, level, trend, text
// example: country=country/QZA as_of=2024-12-31
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.date <= $as_of AND (a.status = 'published' OR ($include_drafts AND a.status IN ['draft', 'reviewed']))
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
RETURN a.id AS assessment, a.date AS date, a.status AS status, 'overall' AS section,
       $country AS item, a.name AS name, a.overall_risk AS level, a.risk_trend AS trend,
       a.summary AS text
UNION ALL
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.date <= $as_of AND (a.status = 'published' OR ($include_drafts AND a.status IN ['draft', 'reviewed']))
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
MATCH (a)-[f:FINDS]->(rf:RiskFactor)
RETURN a.id AS assessment, a.date AS date, a.status AS status, 'risk-factor' AS section,
       rf.id AS item, rf.name AS name, f.level AS level, f.trend AS trend, f.rationale AS text
ORDER BY rf.position
UNION ALL
MATCH (a:Assessment)-[:ASSESSES]->(:Country {id: $country})
WHERE a.date <= $as_of AND (a.status = 'published' OR ($include_drafts AND a.status IN ['draft', 'reviewed']))
WITH a ORDER BY a.date DESC, a.id DESC LIMIT 1
MATCH (a)-[o:OBSERVES]->(i:Indicator)
OPTIONAL MATCH (i)-[:OF_FACTOR]->(rf:RiskFactor)
RETURN a.id AS assessment, a.date AS date, a.status AS status, 'indicator' AS section,
       i.id AS item, i.name AS name, CASE WHEN false THEN 0 END AS level,
       CASE WHEN false THEN '' END AS trend, o.evidence AS text
ORDER BY rf.position, i.position
