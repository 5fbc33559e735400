// docker-compose.yml and the Dockerfile launch the api and the worker as `npm start` does: the same node
// flags, the worker's allocator settings (launch.ts) and the worker bundled (bundle.ts). They cannot import
// them, so they repeat them; this proves each copy equals the original.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IMAGE_WORKER_DIR } from "./bundle.ts";
import { API_NODE_FLAGS, WORKER_ENV_DEFAULTS, WORKER_NODE_FLAGS } from "./launch.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** A top-level service's block of docker-compose.yml (its lines up to the next service or section). */
const serviceBlock = (name: string) => {
  const lines = read("docker-compose.yml").split("\n");
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`docker-compose.yml has no service ${name}`);
  const end = lines.findIndex((l, i) => i > start && /^\s{0,2}\S/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
};

/** The service's `command: [...]` (a JSON array, as the file writes it). */
const commandOf = (name: string): string[] => {
  const line = serviceBlock(name).find((l) => /^\s{4}command:/.test(l));
  if (!line) throw new Error(`service ${name} has no command`);
  return JSON.parse(line.replace(/^\s*command:\s*/, ""));
};

/** The variables the service's own `environment:` mapping sets (anchors and merges aside). */
const environmentOf = (name: string): Record<string, string> =>
  Object.fromEntries(
    serviceBlock(name).flatMap((l) => {
      const m = /^\s{6}([A-Z_]+):\s*"?([^"]*)"?\s*$/.exec(l);
      return m ? [[m[1], m[2]]] : [];
    }),
  );

const api = ["node", ...API_NODE_FLAGS, "--import", "tsx", "apps/api/src/main.ts"];
const worker = ["node", ...WORKER_NODE_FLAGS, `${IMAGE_WORKER_DIR}/boot.mjs`];

describe("the container launch repeats npm start's", () => {
  it("node flags for the api, in docker-compose.yml and the Dockerfile", () => {
    expect(commandOf("api")).toEqual(api);
    const cmd = read("Dockerfile")
      .split("\n")
      .find((l) => l.startsWith("CMD "));
    expect(JSON.parse(cmd?.slice(4) ?? "null")).toEqual(api);
  });

  it("node flags, allocator settings and bundle for the worker, the bundle built by the image", () => {
    expect(commandOf("worker")).toEqual(worker);
    expect(environmentOf("worker")).toMatchObject(WORKER_ENV_DEFAULTS);
  });

  it("the Dockerfile's bundling step writes the worker bundle docker-compose.yml starts", () => {
    const run = read("Dockerfile")
      .split("\n")
      .find((l) => l.startsWith("RUN node ") && l.includes("scripts/bundle.ts"));
    if (!run) throw new Error("the Dockerfile does not bundle the worker");
    fs.rmSync(path.join(ROOT, IMAGE_WORKER_DIR), { recursive: true, force: true });
    const [, ...args] = run.slice(4).split(" ");
    const built = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const started = path.join(ROOT, commandOf("worker").at(-1) as string);
    for (const file of [started, ...["main.mjs", "process-thread.mjs"].map((f) => path.join(path.dirname(started), f))])
      expect(fs.existsSync(file), file).toBe(true);
  }, 60_000);
});
