import type { Stoppable, WorkerContext } from "../context.ts";
import { type OutboundOptions, type OutboundRunner, startOutboundRunner } from "./runner.ts";

export { DEFAULT_OUTBOUND_OPTIONS, type OutboundOptions, type OutboundRunner } from "./runner.ts";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";

/** Starts the outbox runner (D5, D6); stop() finishes the sends in flight. */
export const startOutbound = async (
  ctx: WorkerContext,
  options: Partial<OutboundOptions> = {},
): Promise<Stoppable & OutboundRunner> => startOutboundRunner(ctx, options);
