// Parses an AsyncAPI document with the official parser (@asyncapi/parser, installed in a folder
// given as the first argument) and exits 1 when any diagnostic has severity "error".
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');

const [installDir, documentPath] = process.argv.slice(2);
const { Parser, DiagnosticSeverity } = createRequire(`${installDir}/`)('@asyncapi/parser');

new Parser().parse(readFileSync(documentPath, 'utf8')).then(({ document, diagnostics }) => {
  for (const d of diagnostics) {
    console.log(`${DiagnosticSeverity[d.severity]} ${d.code}: ${d.message} at ${d.path.join('/')}`);
  }
  const failed = document === undefined || diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
  process.exit(failed ? 1 : 0);
});
