// Issue 15 (worker memory): the worker runs as plain JavaScript, not through tsx. A process (and each of its
// worker threads) that loads TypeScript through tsx carries the loader and every module's transpiled copy:
// ~25 MB per isolate. `npm start` and the benchmarks bundle the worker's entry and its processing-thread
// entry with esbuild (the same transform tsx applies, so behaviour is the same) into
// `.build/<name>-<content hash>/`; npm packages stay external and load from node_modules as before.
// The thread pool finds `./process-thread.mjs` next to the running entry, so the bundled worker starts
// bundled threads and the TypeScript worker (tests) starts threads through tsx.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { WORKER_NODE_FLAGS } from "./launch.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_DIR = path.join(ROOT, ".build");

/** Bare imports of npm packages stay imports; the workspace's own packages (TypeScript) are bundled. */
const npmPackagesExternal: Plugin = {
  name: "npm-packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@tidings/") || args.path.startsWith("node:") ? undefined : { external: true },
    );
  },
};

/** Output directories of earlier builds that are older than this are removed (a running process keeps its own). */
const KEEP_OLD_MS = 24 * 3600_000;

const pruneOld = (name: string, keep: string) => {
  if (!fs.existsSync(BUILD_DIR)) return;
  for (const entry of fs.readdirSync(BUILD_DIR)) {
    const dir = path.join(BUILD_DIR, entry);
    if (!entry.startsWith(`${name}-`) || dir === keep) continue;
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > KEEP_OLD_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another start pruned it first.
    }
  }
};

/**
 * Bundles `entries` (output name → TypeScript source, relative to the repository) into one directory named
 * by the content's hash, written once and atomically (two starts at once agree on it). Returns the directory.
 */
export const bundle = async (name: string, entries: Record<string, string>): Promise<string> => {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([out, src]) => [out, path.join(ROOT, src)])),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    outdir: path.join(BUILD_DIR, name), // the real directory is a sibling at the same depth: source map paths hold
    write: false,
    sourcemap: "linked",
    tsconfig: path.join(ROOT, "tsconfig.base.json"),
    plugins: [npmPackagesExternal],
    logLevel: "silent",
  });
  const files = result.outputFiles.map((f) => ({ name: path.basename(f.path), bytes: f.contents }));
  const hash = crypto.createHash("sha256");
  for (const f of files) hash.update(f.name).update(f.bytes);
  const dir = path.join(BUILD_DIR, `${name}-${hash.digest("hex").slice(0, 16)}`);
  if (!fs.existsSync(dir)) {
    const partial = `${dir}.${process.pid}.partial`;
    fs.mkdirSync(partial, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(partial, f.name), f.bytes);
    try {
      fs.renameSync(partial, dir);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // another start renamed the same content first
    }
  }
  fs.utimesSync(dir, new Date(), new Date());
  pruneOld(name, dir);
  return dir;
};

/** The worker's own entry (what `npm start` and a container run, bundled or through tsx). */
export const WORKER_MAIN = "apps/worker/src/main.ts";

/** The worker's bundled entries, with `main` the worker or a test harness of it. */
const workerEntries = (main: string) => ({
  boot: "apps/worker/src/boot.ts",
  main,
  "process-thread": "apps/worker/src/inbound/process-thread.ts",
});

/**
 * The node arguments that run the worker (or a test harness of it, `entry`) bundled with its processing
 * thread; with `args` after the script. The process starts at `boot.mjs`, which spawns the processing thread
 * before it loads `entry` (apps/worker/src/boot.ts). Source maps are written beside the bundle but not
 * loaded (they cost ~20 MB): NODE_OPTIONS=--enable-source-maps turns them on for debugging.
 */
export const workerCommand = async (entry = WORKER_MAIN, ...args: string[]): Promise<string[]> => {
  const dir = await bundle("worker", workerEntries(entry));
  return [...WORKER_NODE_FLAGS, path.join(dir, "boot.mjs"), ...args];
};

/**
 * Where a container image keeps the worker's bundle (relative to the repository): built once by the
 * Dockerfile (`node --import tsx scripts/bundle.ts --image`), started by docker-compose.yml's worker, so a
 * container runs the worker as `npm start` does and not through tsx (~90 MB more).
 */
export const IMAGE_WORKER_DIR = ".build/image-worker";

/** Writes the worker's bundle to IMAGE_WORKER_DIR (replacing what is there). */
const bundleForImage = async () => {
  const dir = await bundle("worker", workerEntries(WORKER_MAIN));
  const target = path.join(ROOT, IMAGE_WORKER_DIR);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(dir, target, { recursive: true });
  process.stdout.write(`worker bundled into ${IMAGE_WORKER_DIR}\n`);
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] !== "--image") {
    process.stderr.write("usage: node --import tsx scripts/bundle.ts --image\n");
    process.exit(2);
  }
  await bundleForImage();
}
