// How the two processes are launched: the node flags and the environment defaults each one runs with, in
// one place. `npm start` (start.ts) and the benchmarks (bench/api.ts, bench/fanout.ts,
// bench/inbound-worker.ts) use them from here; docker-compose.yml and the Dockerfile repeat them, and
// launch.test.ts proves the copies equal.
import { WORKER_SEMI_SPACE_MB } from "../apps/worker/src/inbound/thread-entry.ts";

/**
 * The api's young generation (V8 semi-space, MB). A list request allocates ~2.4 MB of short-lived objects
 * (graphql-js's per-field execution, most of it), and with V8's default 16 MB semi-space a scavenge fell
 * inside ~11 % of list requests at 1M issues, adding its 3–5 ms to them: more than the 5 % a p95 leaves out.
 * With 32 MB there are half as many scavenges, and 0–3 % of a variant's list requests overlap one (5.5–6.5 %
 * for three of the 11 measured; issue 14.4).
 * bench/api.ts at 1M, two alternating pairs: the list variants' mean p95 14.5 and 14.0 ms → 13.9 and
 * 11.5 ms; variants over twice their SQL's p95 4 and 3 → 1 and 1. The young generation is three
 * semi-spaces, so the api may hold up to ~48 MB more. Measured while every query ran through graphql-js;
 * repeated queries now run compiled (apps/api/src/graphql/jit-executor.ts) and allocate less, and the size
 * was not measured again since.
 */
const API_SEMI_SPACE_MB = 32;

export const API_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${API_SEMI_SPACE_MB}`];

/**
 * The worker's young generation, for the main thread and its processing threads alike (WORKER_SEMI_SPACE_MB:
 * thread-entry.ts says why, and why one flag serves both). Measured: fuzz peak RSS 397 → 288 MB, ingest rate
 * unchanged within run-to-run noise; 8 MB per semi-space took the processing thread's scavenges from 3.6 to
 * 2.1 s per 12,000 messages and raised the peak RSS of a flood of 24 MB mail by ~27 MB (issue 14, 2026-12-06).
 */
export const WORKER_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];

/**
 * The C allocator's settings for the worker (glibc reads them at process start, so they are set by whoever
 * spawns it: `npm start` and the benchmarks, as childEnv's defaults, so an operator's own setting wins;
 * docker-compose.yml sets them on its worker). Issue 14, worker RSS during a flood of 24 MB mail: glibc
 * raises its mmap threshold to the size of each large block freed (up to 32 MB), so after the first large
 * message every message buffer came from the heap and stayed in the process when freed. A fixed 4 MB
 * threshold keeps large buffers mapped (returned to the system when freed); two arenas instead of one per
 * thread. Measured with twelve 24 MB messages on 4 sessions (five runs each): 320–381 MB → 267–283 MB peak,
 * same processing time; a 1 MB threshold was lower still (258–270) but took ~45 % longer.
 */
export const WORKER_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(4 * 1024 * 1024),
  MALLOC_ARENA_MAX: "2",
};
