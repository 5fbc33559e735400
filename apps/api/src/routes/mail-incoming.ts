// C1(c): `POST /-/mail/incoming` — a raw RFC 822 message from an MTA or a mail provider, authorised by
// `Authorization: Bearer <MAIL_WEBHOOK_SECRET>`. Answered 202 (200 for a message already received) only
// after the raw message is committed. 404 when no secret is configured; 413 over MAX_EMAIL_BYTES with
// GitLab's JSON message (the sender also gets the rejection email: the header block is kept for that).
import { createHash, timingSafeEqual } from "node:crypto";
import type { Config } from "@tidings/config";
import {
  ingestSettingsFromConfig,
  type Logger,
  signalInbound,
  REJECTION,
  readLimited,
  receiveEmail,
  routeSettingsOf,
} from "@tidings/core";
import type { DataSource } from "@tidings/db";
import { type Request, type Response, Router } from "express";

export type MailIncomingRouterDeps = { config: Config; dataSource: DataSource; log: Logger };

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time comparison of the bearer token with the secret. */
export const bearerMatches = (header: string | undefined, secret: string) => {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return !!m && timingSafeEqual(digest(m[1].trim()), digest(secret));
};

export const mailIncomingRouter = (deps: MailIncomingRouterDeps): Router => {
  const router = Router();
  const settings = ingestSettingsFromConfig(deps.config);
  const route = routeSettingsOf(settings.mail);
  const log = deps.log.child({ module: "mail-webhook" });
  const secret = deps.config.MAIL_WEBHOOK_SECRET;

  router.post("/-/mail/incoming", async (req: Request, res: Response) => {
    if (!secret) return void res.status(404).json({ success: false, message: "Not found" });
    if (!bearerMatches(req.headers.authorization, secret)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="tidings-mail"');
      return void res.status(401).json({ success: false, message: "401 Unauthorized" });
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    try {
      // Over the limit we still read the stream (keeping only the head) so the sender can be told.
      const { raw, size } = await readLimited(req, settings.maxEmailBytes);
      if (size === 0) return void res.status(400).json({ success: false, message: "The request body is empty." });
      const tooLarge = size > settings.maxEmailBytes || declared > settings.maxEmailBytes;
      // Stored, and the worker told on commit: processing happens there, never in the api (issue 14.1).
      const stored = await deps.dataSource.transaction(async (db) => {
        const r = await receiveEmail(db, {
          // An oversize message is stored as its head with its real size: rejected, never applied.
          raw: tooLarge ? raw.subarray(0, 64 * 1024) : raw,
          originalSize: Math.max(size, declared),
          transport: "webhook",
          source: "webhook",
          maxEmailBytes: settings.maxEmailBytes,
          route,
        });
        if (!r.duplicate) await signalInbound(db, [r.id]);
        return r;
      });
      log.info({ inboundEmailId: stored.id, duplicate: stored.duplicate, size, tooLarge }, "webhook.stored");
      if (tooLarge) return void res.status(413).json({ success: false, message: REJECTION.emailTooLarge });
      res.status(stored.duplicate ? 200 : 202).json({ success: true, id: stored.id, duplicate: stored.duplicate });
    } catch (err) {
      log.error({ err }, "webhook.store_failed");
      res.status(503).json({ success: false, message: "The message could not be stored; try again later." });
    }
  });
  return router;
};
