// Lint Neo4j-dialect Cypher with Neo4j's own parser (offline).
// stdin: a JSON array of query strings. stdout: a JSON array of
// {query, diagnostics: [{severity, message, range}]}, one entry per query, in order.
// Severity 1 is an error, 2 a warning. "Parameter $x is not defined." diagnostics are dropped:
// every value is a $parameter by design, and no parameter schema is declared here.
import { isNotParamError, lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const queries = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]');
if (!Array.isArray(queries) || !queries.every((q) => typeof q === 'string')) {
  process.stderr.write('lint.mjs: expected a JSON array of strings on stdin\n');
  process.exit(2);
}

const out = queries.map((query) => {
  const { diagnostics } = lintCypherQuery(query, {});
  return {
    query,
    diagnostics: diagnostics
      .filter(isNotParamError)
      .map((d) => ({ severity: d.severity, message: d.message, range: d.range })),
  };
});
process.stdout.write(JSON.stringify(out));
