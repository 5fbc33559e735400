// A throwaway SpamAssassin spamd for the screening tests (issue 13.3): Debian's spamd with its shipped rules,
// on a free loopback port, without network tests (--local), stopped after.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "@tidings/db/free-port";
import { ensureSystemDeps } from "../../../scripts/ensure-system-deps.ts";

export type Spamd = { url: string; stop: () => Promise<void> };

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

export const startSpamd = async (): Promise<Spamd> => {
  ensureSystemDeps(["spamd"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-spamd-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const args = [
    `--listen=127.0.0.1:${port}`,
    "--local",
    "--max-children=1",
    "--nouser-config",
    `--pidfile=${path.join(dir, "spamd.pid")}`,
    "--syslog=stderr",
    ...(isRoot() ? ["--username=nobody"] : []),
  ];
  const log = fs.openSync(path.join(dir, "spamd.log"), "w");
  const child: ChildProcess = spawn("/usr/sbin/spamd", args, { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`spamd did not start: ${fs.readFileSync(path.join(dir, "spamd.log"), "utf8").slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `spamd://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
