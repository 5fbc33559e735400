// Which browser origins are Tidings' own: PUBLIC_URL's origin, plus ALLOWED_ORIGINS. When PUBLIC_URL is on
// a loopback name, its other loopback spellings on the same port count too (a developer who opens
// http://localhost:3000 while PUBLIC_URL says http://127.0.0.1:3000). A page on another port, host or
// scheme is another origin, always. One rule, used by the WebSocket upgrade and the CSP's connect-src.
import type { Config } from "@tidings/config";

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

export const ownOrigins = (config: Pick<Config, "PUBLIC_URL" | "ALLOWED_ORIGINS">): Set<string> => {
  const publicUrl = new URL(config.PUBLIC_URL);
  const origins = new Set<string>([publicUrl.origin, ...config.ALLOWED_ORIGINS]);
  if (LOOPBACK_HOSTS.includes(publicUrl.hostname)) {
    for (const host of LOOPBACK_HOSTS) {
      const u = new URL(publicUrl.origin);
      u.hostname = host;
      origins.add(u.origin);
    }
  }
  return origins;
};

/** How a WebSocket upgrade's Origin header relates to ours. Browsers always send one. */
export type OriginVerdict = "own" | "absent" | "foreign";

export const originVerdict = (origins: Set<string>, origin: string | undefined): OriginVerdict => {
  if (origin === undefined || origin === "") return "absent";
  return origins.has(origin) ? "own" : "foreign";
};
