// The worker's inbound side in a process of its own, as the benchmarks and the fuzz drive it: the Service
// Desk addresses of the test world, no per-sender limit, silent logs, and the worker's own timings (a sweep
// every 5 s, not the crash drills' 300 ms: a benchmark measures what a deployment runs); `env` adds or
// overrides. And the whole worker as `npm start` runs it (mail in and out, info logs).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv } from "@tidings/config";
import { incomingAddress } from "@tidings/core";
import { workerCommand } from "../scripts/bundle.ts";
import { WORKER_ENV_DEFAULTS } from "../scripts/launch.ts";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The workers' INCOMING_EMAIL_ADDRESS. */
const INCOMING_EMAIL_ADDRESS = "incoming+%{key}@appmail.adventuretime.ooo";

/** A project's Service Desk address at these workers (core's rule, this instance's configuration). */
export const deskAddress = (project: { id: number; fullPathSlug: string }) =>
  incomingAddress({ incomingEmailAddress: INCOMING_EMAIL_ADDRESS }, project);

/** Spawns it; `ready` resolves once it listens, and rejects if it exits first. */
export const spawnInboundWorker = async (
  env: Record<string, string>,
): Promise<{ worker: ChildProcess; ready: Promise<void> }> =>
  spawnWorker(await workerCommand("apps/worker/test/crash-worker.ts", "production"), env);

/** The whole worker (apps/worker/src/main.ts): mail in, the outbox runner, the health sampler; info logs. */
export const spawnFullWorker = async (env: Record<string, string>) =>
  spawnWorker(await workerCommand(), { LOG_LEVEL: "info", ...env });

const spawnWorker = async (
  command: string[],
  env: Record<string, string>,
): Promise<{ worker: ChildProcess; ready: Promise<void> }> => {
  // Bundled as `npm start` runs the worker (scripts/bundle.ts), so its memory is the product's.
  const worker = spawn(process.execPath, command, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: childEnv(
      {
        INCOMING_EMAIL_ADDRESS,
        EMAIL_FROM: "support@tidings.test",
        INBOUND_ISSUES_PER_SENDER_PER_HOUR: "0",
        LOG_LEVEL: "silent",
        ...env,
      },
      WORKER_ENV_DEFAULTS,
    ),
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.stdout?.on("data", (d) => d.toString().includes("ready") && resolve());
    worker.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
  });
  return { worker, ready };
};
