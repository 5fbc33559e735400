// How the two processes are launched: the node flags and the environment defaults each one runs with, in
// one place. `npm start` (start.ts) and the benchmarks (bench/api.ts, bench/fanout.ts,
// bench/inbound-worker.ts) use them from here; docker-compose.yml and the Dockerfile repeat them, and
// launch.test.ts proves the copies equal.
import { WORKER_SEMI_SPACE_MB } from "../apps/worker/src/inbound/thread-entry.ts";

/**
 * The api's young generation (V8 semi-space, MB): V8's own default on this Node, written here so that an
 * upgrade that changes the default does not change it unseen. It was 32 MB while every query ran through
 * graphql-js, when a list request allocated ~2.4 MB of short-lived objects and a 16 MB semi-space put a
 * 3–5 ms scavenge inside ~11 % of list requests at 1M issues. Queries now run compiled
 * (apps/api/src/graphql/jit-executor.ts) and a response is let go once serialized (`stringifyAndRelease`),
 * so a request allocates about half as much and little of it survives. Measured again on 2026-12-07
 * (bench/api.ts at 1M issues, sizes alternating; the mean over the list variants of server p95 minus SQL
 * p95): 7 runs each of 32 MB (2.71–3.58 ms, mean 3.19) and 16 MB (2.77–3.57, mean 3.19), 3 of 8 MB
 * (3.39–3.48), 2 of 64 MB (3.81–3.88); bench/fanout.ts, 3 pairs: p95 90.4, 90.5, 117.5 ms at 32 MB and
 * 94.8, 88.9, 110.8 at 16.
 * The same latency as 32 MB for half the young generation: the api's new space held 32 MB after a list
 * run instead of 61–64 MB, and its process ~28 MB less resident (236–242 MB against 265–268).
 */
const API_SEMI_SPACE_MB = 16;

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
