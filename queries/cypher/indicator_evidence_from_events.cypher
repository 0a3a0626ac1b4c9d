// name: indicator_evidence_from_events
// description: Framework indicators evidenced by events in a period (optionally in one country
//   or for one indicator): per indicator and country, the number of events, their fatalities
//   and first and last dates, with the risk factor the indicator belongs to.
// users: researchers, analysts
// param country: str = "" | country id (empty: any)
// param indicator: str = "" | indicator id, e.g. ind/11.1 (empty: any)
// param date_from: date = 1900-01-01 | first day
// param date_to: date = today | last day
// returns: indicator, name, risk_factor, country, events, fatalities, first_date, last_date
// example: country=country/QZA
MATCH (e:Event)-[:EVIDENCES]->(i:Indicator)
WHERE e.date >= $date_from AND e.date <= $date_to AND ($indicator = '' OR i.id = $indicator)
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(l:Location)
OPTIONAL MATCH (l)-[:IN_COUNTRY]->(lc:Country)
OPTIONAL MATCH (e)-[:OCCURRED_IN]->(dc:Country)
WITH e, i, coalesce(lc.id, dc.id) AS country
WHERE $country = '' OR country = $country
OPTIONAL MATCH (i)-[:OF_FACTOR]->(rf:RiskFactor)
RETURN i.id AS indicator, i.name AS name, rf.id AS risk_factor, country,
       count(DISTINCT e) AS events, sum(e.fatalities) AS fatalities, min(e.date) AS first_date,
       max(e.date) AS last_date
ORDER BY events DESC, indicator, country
