// Issue 13.4: counts mail into the cockpit's history (core's sampleMailHealth) once a minute — the current
// 5-minute bucket and the one before it, so a bucket's last minute is counted after it ends. A failed
// count is logged and tried again at the next tick: the loop never stops quietly, and a missed minute
// is recounted. Issue 14.3: the same tick folds the kept counts by status (foldMailStatusCounts), so a
// /metrics scrape sums at most a minute of changes.
import { bucketOf, foldMailStatusCounts, SAMPLE_BUCKET_SECONDS, sampleMailHealth } from "@tidings/core";
import type { Stoppable, WorkerContext } from "../context.ts";
import { every } from "./every.ts";

export const startHealthSampler = (ctx: WorkerContext, opts: { everyMs?: number } = {}): Stoppable => {
  const log = ctx.log.child({ module: "health-sampler" });
  const tick = async () => {
    const now = new Date();
    try {
      await sampleMailHealth(ctx.dataSource.manager, new Date(bucketOf(now).getTime() - SAMPLE_BUCKET_SECONDS * 1000));
      await sampleMailHealth(ctx.dataSource.manager, now);
    } catch (err) {
      log.warn({ err }, "health.sample_failed_will_retry");
    }
    try {
      await foldMailStatusCounts(ctx.dataSource);
    } catch (err) {
      log.warn({ err }, "health.fold_failed_will_retry");
    }
  };
  return every(opts.everyMs ?? 60_000, tick);
};
