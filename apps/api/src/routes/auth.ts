import { DomainError, digest, SESSION_TTL_MS, signIn, signOut } from "@tidings/core";
import express, { type Request, type Response, Router } from "express";
import type { ApiDeps } from "../context.ts";
import { SESSIONS_CHANNEL } from "../graphql/pubsub.ts";
import { parseCookies, SESSION_COOKIE } from "../http/viewer.ts";

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429, INVALID_INPUT: 400 };

/** A1: POST /auth/sign_in and /auth/sign_out (contract.md). JSON only, so a cross-site form cannot post it. */
export const authRouter = ({ config, dataSource, log }: Pick<ApiDeps, "config" | "dataSource" | "log">) => {
  const router = Router();
  const secure = config.PUBLIC_URL.startsWith("https:");
  const cookieOptions = { httpOnly: true, sameSite: "lax" as const, secure, path: "/" };

  router.post("/auth/sign_in", express.json({ limit: "16kb" }), async (req: Request, res: Response) => {
    if (!req.is("application/json")) {
      res.status(415).json({ message: 'Send the credentials as JSON: {"login": "…", "password": "…"}.' });
      return;
    }
    const { login, password } = (req.body ?? {}) as { login?: unknown; password?: unknown };
    if (typeof login !== "string" || typeof password !== "string") {
      res.status(400).json({ message: "Enter your username or email and your password." });
      return;
    }
    try {
      // No wrapping transaction: a failed attempt must stay recorded when sign-in throws.
      const result = await signIn(dataSource.manager, {
        login,
        password,
        ip: req.ip ?? "unknown",
        userAgent: req.get("user-agent"),
      });
      res.cookie(SESSION_COOKIE, result.sessionToken, { ...cookieOptions, maxAge: SESSION_TTL_MS });
      log.info({ userId: result.user.id }, "auth.sign_in");
      res.json({ user: { username: result.user.username, name: result.user.name } });
    } catch (err) {
      if (err instanceof DomainError && STATUS[err.code]) {
        // Never the typed login: it is often a password typed into the wrong field.
        if (err.code === "UNAUTHENTICATED" || err.code === "RATE_LIMITED") {
          log.info({ ip: req.ip, outcome: err.code }, "auth.sign_in_failed");
        }
        res.status(STATUS[err.code]).json({ message: err.message });
        return;
      }
      log.error({ err }, "auth.sign_in_error");
      res.status(500).json({ message: "Something went wrong. Try again." });
    }
  });

  router.post("/auth/sign_out", async (req: Request, res: Response) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (token) {
      await signOut(dataSource.manager, token);
      // Every api node closes the WebSockets opened with this session (they authenticated at connect).
      await dataSource.query("SELECT pg_notify($1, $2)", [SESSIONS_CHANNEL, digest(token)]);
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });
  return router;
};
