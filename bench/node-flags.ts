// A benchmark that hosts a Tidings process in its own (bench/api.ts hosts the api) runs with that process's
// node flags (scripts/launch.ts), however it was started: `npm run bench` or by hand.
import { spawnSync } from "node:child_process";

/** Returns when this process already has `flags`; else runs this script again with them and exits with its status. */
export const relaunchWithNodeFlags = (flags: readonly string[]) => {
  if (flags.every((f) => process.execArgv.includes(f))) return;
  const r = spawnSync(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  process.exit(r.status ?? 1);
};
