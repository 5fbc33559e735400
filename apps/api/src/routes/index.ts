import type { RouterFactory } from "../server.ts";
import { mailIncomingRouter } from "./mail-incoming.ts";
import { metricsRouter } from "./metrics.ts";
import { rawEmailRouter } from "./raw-email.ts";
import { unsubscribeRouter } from "./unsubscribe.ts";
import { uploadsRouter } from "./uploads.ts";

/** Routes that never need the viewer (the mail webhook authenticates with its own secret). */
export const PUBLIC_ROUTERS: RouterFactory[] = [mailIncomingRouter, unsubscribeRouter];
/** Routes that read `res.locals.viewer` (cookie session or bearer token): uploads, raw emails, /-/metrics. */
export const VIEWER_ROUTERS: RouterFactory[] = [uploadsRouter, rawEmailRouter, metricsRouter];
