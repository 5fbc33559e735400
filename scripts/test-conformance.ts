// `npm run test:conformance`: GitLab's own Service Desk test emails against their EXPECTED.md outcomes,
// end to end on a real PostgreSQL. The corpus lives outside the repository (GITLAB_CORPUS_DIR, default
// ../shared/corpus/gitlab beside the checkout), so this is its own command and never part of `npm test`;
// it fails loudly when the corpus is absent. Ends with one line: `conformance: N passed, N failed`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const json = path.join(ROOT, "test-results", "conformance-results.json");
fs.mkdirSync(path.dirname(json), { recursive: true });
fs.rmSync(json, { force: true });
const r = spawnSync(
  process.execPath,
  [
    path.join(ROOT, "node_modules/vitest/vitest.mjs"),
    "run",
    "--project",
    "conformance",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${json}`,
  ],
  { cwd: ROOT, stdio: "inherit" },
);
let passed = 0;
let failed = 1;
try {
  const v = JSON.parse(fs.readFileSync(json, "utf8")) as {
    numPassedTests: number;
    numTotalTests: number;
    numFailedTestSuites: number;
  };
  passed = v.numPassedTests;
  failed = v.numTotalTests - v.numPassedTests + v.numFailedTestSuites;
} catch {
  // No report: vitest could not run at all; counted as one failure.
}
const ok = r.status === 0 && failed === 0 && passed > 0;
process.stdout.write(`conformance: ${passed} passed, ${ok ? 0 : Math.max(failed, 1)} failed\n`);
process.exit(ok ? 0 : 1);
