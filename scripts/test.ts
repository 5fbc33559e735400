// `npm test`: every tier, in order — system packages (Dovecot, Chromium), `npm run check` (format,
// lint, typecheck), vitest (unit + integration against real PostgreSQL, Dovecot and SMTP), the web
// build, Playwright in Chromium. Every tier runs even when an earlier one failed; the exit code and
// the closing "N passed, N failed" line cover them all.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemDeps } from "./ensure-system-deps.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "test-results");
fs.mkdirSync(RESULTS, { recursive: true });

type Step = { name: string; ok: boolean; seconds: number; passed?: number; failed?: number };
const steps: Step[] = [];

const run = (name: string, command: string, args: string[], cwd = ROOT) => {
  process.stdout.write(`\n── ${name} ──\n`);
  const t0 = Date.now();
  const r = spawnSync(command, args, { cwd, stdio: "inherit" });
  const step: Step = { name, ok: r.status === 0, seconds: (Date.now() - t0) / 1000 };
  steps.push(step);
  return step;
};
const node = (script: string, ...args: string[]) => [path.join(ROOT, script), ...args];

const readJson = <T>(file: string): T | null => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
};

// 1. What npm cannot install.
try {
  ensureSystemDeps(["dovecot", "chromium", "openssl", "spamd"]);
  steps.push({ name: "system packages", ok: true, seconds: 0 });
} catch (e) {
  console.error((e as Error).message);
  steps.push({ name: "system packages", ok: false, seconds: 0 });
}

// 2. Format, lint, typecheck.
run("check (format, lint, typecheck)", "npm", ["run", "--silent", "check"]);

// 3. Unit and integration tests.
const vitestJson = path.join(RESULTS, "vitest-results.json");
fs.rmSync(vitestJson, { force: true });
const vitest = run("vitest (unit + integration)", process.execPath, [
  ...node(
    "node_modules/vitest/vitest.mjs",
    "run",
    "--project",
    "unit",
    "--project",
    "integration",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${vitestJson}`,
  ),
]);
const v = readJson<{ numPassedTests: number; numFailedTests: number; numTotalTests: number }>(vitestJson);
if (v) Object.assign(vitest, { passed: v.numPassedTests, failed: v.numTotalTests - v.numPassedTests });
else Object.assign(vitest, { passed: 0, failed: 1 });
vitest.ok &&= vitest.failed === 0;

// 4. The SPA, as the e2e tests and `npm start` serve it.
run(
  "web build",
  process.execPath,
  [...node("node_modules/vite/bin/vite.js", "build", "--logLevel", "warn")],
  path.join(ROOT, "apps/web"),
);

// 5. Browser tests.
const pwJson = path.join(RESULTS, "playwright-results.json");
fs.rmSync(pwJson, { force: true });
const pw = run("playwright (Chromium)", process.execPath, [...node("node_modules/@playwright/test/cli.js", "test")]);
const p = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(pwJson);
if (p) Object.assign(pw, { passed: p.stats.expected + p.stats.flaky, failed: p.stats.unexpected });
else Object.assign(pw, { passed: 0, failed: 1 });
pw.ok &&= pw.failed === 0;

// Summary.
process.stdout.write("\n── summary ──\n");
for (const s of steps) {
  const counts = s.passed !== undefined ? ` (${s.passed} passed, ${s.failed} failed)` : "";
  process.stdout.write(`${s.ok ? "ok  " : "FAIL"} ${s.name}${counts} ${s.seconds.toFixed(1)} s\n`);
}
const passed = steps.reduce((n, s) => n + (s.passed ?? (s.ok ? 1 : 0)), 0);
const failed = steps.reduce((n, s) => n + (s.failed ?? (s.ok ? 0 : 1)), 0);
const allOk = steps.every((s) => s.ok) && failed === 0;
process.stdout.write(`tests: ${passed} passed, ${allOk ? 0 : Math.max(failed, 1)} failed\n`);
process.exit(allOk ? 0 : 1);
