// Browser security headers for every response (helmet): a strict Content-Security-Policy the SPA lives
// within (scripts only from our origin, no framing, no plugins), nosniff, no referrer across origins, and
// HSTS when PUBLIC_URL is https. Routes with stricter needs (attachment downloads, the unsubscribe pages)
// set their own, narrower policy on top.
import type { Config } from "@tidings/config";
import type { RequestHandler } from "express";
import helmet from "helmet";
import { ownOrigins } from "./origins.ts";

export const contentSecurityPolicy = (config: Pick<Config, "PUBLIC_URL" | "ALLOWED_ORIGINS">) => {
  // CSP source lists cannot name an IPv6 literal; 'self' already covers the page's own ws(s) origin.
  const websockets = [...ownOrigins(config)].filter((o) => !o.includes("[")).map((o) => o.replace(/^http/, "ws"));
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    // Inline style attributes: the rendered email previews (sandboxed srcdoc frames) are styled inline.
    "style-src": ["'self'", "'unsafe-inline'"],
    // Remote images in customer email are shown only after the responder's consent (the SPA gates them).
    "img-src": ["'self'", "data:", "blob:", "https:", "http:"],
    "connect-src": ["'self'", ...websockets],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "upgrade-insecure-requests": null,
  };
};

export const securityHeaders = (config: Pick<Config, "PUBLIC_URL" | "ALLOWED_ORIGINS">): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: config.PUBLIC_URL.startsWith("https://")
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    xPoweredBy: false,
  });
