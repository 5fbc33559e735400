// `npm run bench`: every benchmark in its own process, one after the other (2 cores: never two at
// once). Each prints its table with a raw baseline measured in the same run and writes JSON under
// bench/results/. This runner only sequences them and reports which ones failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = ["ingest.ts", "outbound.ts", "api.ts", "fanout.ts"].filter(
  (b) => fs.existsSync(path.join(here, b)) && (!only.length || only.some((o) => b.startsWith(o))),
);
fs.mkdirSync(path.join(here, "results"), { recursive: true });
const failed: string[] = [];
for (const bench of benches) {
  process.stdout.write(`\n═══ bench/${bench} ═══\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(here, bench)], {
    stdio: "inherit",
    cwd: path.dirname(here),
  });
  if (r.status !== 0) failed.push(bench);
}
process.stdout.write(
  `\n${benches.length - failed.length} of ${benches.length} benchmarks completed${failed.length ? `; failed: ${failed.join(", ")}` : ""}\n`,
);
process.exit(failed.length ? 1 : 0);
