import type { Stoppable, WorkerContext } from "../context.ts";

/** Starts the outbox runner. Filled in by the mail-out work (issue 4). */
export const startOutbound = async (_ctx: WorkerContext): Promise<Stoppable> => ({ stop: async () => {} });
