import { DomainError } from "@tidings/core";
import type { EntityManager } from "@tidings/db";
import type { ApiContext } from "../context.ts";

/** A failure a person can act on, reported in the payload's `errors` (F3). */
export class MutationErrors extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join(" "));
  }
}

/**
 * Runs the change in one transaction; domain failures and MutationErrors become `errors` sentences
 * (the transaction is rolled back, so nothing changes). Anything else is masked by formatError.
 */
export const runMutation = async <T>(
  ctx: ApiContext,
  work: (db: EntityManager) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; errors: string[] }> => {
  try {
    return { ok: true, value: await ctx.dataSource.transaction(work) };
  } catch (err) {
    if (err instanceof MutationErrors) return { ok: false, errors: err.errors };
    if (err instanceof DomainError && err.code !== "UNAUTHENTICATED") {
      const list = Array.isArray(err.cause) ? err.cause.filter((e): e is string => typeof e === "string") : [];
      return { ok: false, errors: list.length ? list : [err.message] };
    }
    throw err;
  }
};
