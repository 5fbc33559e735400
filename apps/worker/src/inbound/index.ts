import type { Stoppable, WorkerContext } from "../context.ts";

/** Starts the inbound transports (SMTP listener, IMAP consumers). Filled in by the mail-in work (issue 3). */
export const startInbound = async (_ctx: WorkerContext): Promise<Stoppable> => ({ stop: async () => {} });
