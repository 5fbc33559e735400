// `npm run bench`: every benchmark in its own process, one after the other (2 cores: never two at
// once). Each prints its table with a raw baseline measured in the same run and writes JSON under
// bench/results/. This runner only sequences them and reports which ones failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
/** Each benchmark with its arguments; issue 10's searched Service Desk list is measured at 100k issues. */
const ALL: { name: string; file: string; args: string[] }[] = [
  { name: "ingest.ts", file: "ingest.ts", args: [] },
  { name: "outbound.ts", file: "outbound.ts", args: [] },
  { name: "api.ts", file: "api.ts", args: [] },
  { name: "api.ts search at 100k issues (issue 10.5)", file: "api.ts", args: ["100000", "200", "--search"] },
  { name: "fanout.ts", file: "fanout.ts", args: [] },
];
const benches = ALL.filter(
  (b) => fs.existsSync(path.join(here, b.file)) && (!only.length || only.some((o) => b.name.startsWith(o))),
);
fs.mkdirSync(path.join(here, "results"), { recursive: true });
const failed: string[] = [];
for (const bench of benches) {
  process.stdout.write(`\n═══ bench/${bench.name} ═══\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(here, bench.file), ...bench.args], {
    stdio: "inherit",
    cwd: path.dirname(here),
  });
  if (r.status !== 0) failed.push(bench.name);
}
process.stdout.write(
  `\n${benches.length - failed.length} of ${benches.length} benchmarks completed${failed.length ? `; failed: ${failed.join(", ")}` : ""}\n`,
);
process.exit(failed.length ? 1 : 0);
