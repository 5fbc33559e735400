// D4: the unsubscribe link of every notification. GET shows a confirmation page (mail scanners that
// prefetch links must not unsubscribe anyone); POST unsubscribes, from that page's form or as the
// RFC 8058 one-click request a mail client sends (`List-Unsubscribe=One-Click`).
import type { Config } from "@tidings/config";
import {
  escapeHtml,
  findUnsubscribeTarget,
  type Logger,
  type MailSettings,
  mailSettingsFromConfig,
  unsubscribeByReplyKey,
  unsubscribePath,
} from "@tidings/core";
import type { DataSource } from "@tidings/db";
import express, { type Request, type Response, Router } from "express";

export type UnsubscribeRouterDeps = { config: Config; dataSource: DataSource; log: Logger; mail?: MailSettings };

// Reply keys are 32 hex chars today; anything that cannot be a key is answered like an unknown one.
const KEY = /^[A-Za-z0-9_-]{16,128}$/;

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; font: 16px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328; background: #f6f7f9; }
  main { max-width: 32rem; margin: 10vh auto; padding: 2rem; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  p { margin: 0 0 1rem; }
  button { font: inherit; padding: .6rem 1.2rem; color: #fff; background: #1f6feb; border: 0; border-radius: 6px; cursor: pointer; }
  button:hover { background: #1158c7; }
  button:focus-visible { outline: 3px solid #0a3069; outline-offset: 2px; }
  @media (max-width: 36rem) { main { margin: 0; border-radius: 0; border-width: 0 0 1px; } }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;

const send = (res: Response, status: number, title: string, body: string) => {
  res
    .status(status)
    .set({
      "Cache-Control": "no-store",
      // The key is in the URL: never hand it to another site.
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    })
    .type("html")
    .send(page(title, body));
};

const notFound = (res: Response) =>
  send(
    res,
    404,
    "Unsubscribe link not found",
    `<h1>This unsubscribe link is not valid</h1>
<p>It may be incomplete (some email programs break long links) or it may not come from one of our emails. Copy the whole link from the email and try again, or reply to the email and ask us to stop.</p>`,
  );

const done = (res: Response, email: string, already: boolean) =>
  send(
    res,
    200,
    "Unsubscribed",
    `<h1>${already ? "You were already unsubscribed" : "You have been unsubscribed"}</h1>
<p><strong>${escapeHtml(email)}</strong> will not receive any more emails about this ticket.</p>
<p>If you write to us again, you will receive updates about your new request.</p>`,
  );

export const unsubscribeRouter = (deps: UnsubscribeRouterDeps) => {
  const { dataSource, log } = deps;
  const mail = deps.mail ?? mailSettingsFromConfig(deps.config);
  const router = Router();

  router.get(unsubscribePath(":key"), async (req: Request<{ key: string }>, res: Response) => {
    const key = req.params.key;
    const target = KEY.test(key) ? await findUnsubscribeTarget(dataSource.manager, key) : null;
    if (!target) return notFound(res);
    if (target.unsubscribed) return done(res, target.email, true);
    const action = unsubscribePath(encodeURIComponent(key));
    send(
      res,
      200,
      "Unsubscribe from this ticket",
      `<h1>Unsubscribe from this ticket?</h1>
<p><strong>${escapeHtml(target.email)}</strong> will stop receiving emails about this ticket.</p>
<form method="post" action="${escapeHtml(action)}">
  <input type="hidden" name="List-Unsubscribe" value="One-Click">
  <button type="submit">Unsubscribe</button>
</form>`,
    );
  });

  // RFC 8058: the client POSTs `List-Unsubscribe=One-Click` (urlencoded or multipart); the body is
  // not required to unsubscribe, the unguessable key in the URL is what authorises it.
  router.post(
    unsubscribePath(":key"),
    express.urlencoded({ extended: false, limit: "4kb" }),
    async (req: Request<{ key: string }>, res: Response) => {
      const key = req.params.key;
      if (!KEY.test(key)) return notFound(res);
      const result = await dataSource.transaction((db) => unsubscribeByReplyKey(db, mail, { replyKey: key }));
      if (result.status === "unknown_key") return notFound(res);
      log.info({ issueId: result.issueId, status: result.status }, "unsubscribe.link");
      done(res, result.email, result.status === "already_unsubscribed");
    },
  );

  return router;
};
