// Every Tidings connection: its session's cached plans live at most PLAN_LIFE_MS.
//
// PostgreSQL keeps, per session, the plan of each foreign key's check, trigger statement and named
// prepared statement, and after five runs may keep one plan until something invalidates it (autovacuum's
// ANALYZE of a table it reads, DDL). A plan made while a table was nearly empty can be a sequential scan,
// right for that table and wrong once a flood has grown it. On a fresh database (its tables' statistics
// say 0 rows), the check "does issue N exist" behind every new participant and sent notification was kept as
// a sequential scan of `issues` in some of the worker's sessions: in 2 of 4 runs of 24,000 messages the worker
// fell from ~550 to 107–119 emails/s at worst, PostgreSQL's CPU per message rising from 1.2 to 10–11 ms, until
// autovacuum's first ANALYZE of `issues`, 60–100 s after the flood began.
//
// `plan_cache_mode=force_custom_plan` prevents it by planning every check on every run: measured, 72–110 µs
// of backend CPU per checked row against 15–25 µs with kept plans. Dropping the session's plans once a
// second costs one statement a second per connection and bounds what a stale plan can cost to what the
// tables grow in a second; the checks of a session whose first plans were made on a 3-row table cost the
// same as those of a session that began on 20,000 rows (15–20 µs per row; tmp harness, same run).
import { CallbackQueryClient } from "./callback-query-client.ts";

/**
 * How long a session keeps PostgreSQL's cached plans, at most. The api's prepared statements are there to
 * skip planning; planning them again once a second per connection changed no list's p95 at 1M issues (worst
 * 21.53–22.93 ms with it, 22.66–22.77 without, alternating runs of bench/api.ts's variants).
 */
export const PLAN_LIFE_MS = 1_000;

/**
 * A pg client class whose connections send `DISCARD PLANS` ahead of their next statement once their plans
 * are `lifeMs` old (queued on the same connection, so it runs before that statement, inside its transaction
 * or not). Its failure is the next statement's to report: it fails the same way (a broken connection, an
 * aborted transaction).
 */
export const freshPlansClient = (lifeMs: number) =>
  class FreshPlansClient extends CallbackQueryClient {
    #plansSince = performance.now();

    // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; each call passes through unchanged.
    override query(...args: any[]): any {
      const now = performance.now();
      if (now - this.#plansSince >= lifeMs) {
        this.#plansSince = now;
        super.query("DISCARD PLANS").catch(() => undefined);
      }
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      return (super.query as (...a: any[]) => any)(...args);
    }
  };
