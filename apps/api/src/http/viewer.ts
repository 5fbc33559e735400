import type { IncomingHttpHeaders } from "node:http";
import { type Viewer, viewerFromAccessToken, viewerFromSession } from "@tidings/core";
import type { DataSource } from "@tidings/db";

export const SESSION_COOKIE = "tidings_session";

export const parseCookies = (header: string | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[name] = part.slice(i + 1).trim();
    }
  }
  return out;
};

export const bearerToken = (authorization: string | undefined) => {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return m?.[1];
};

/** The same check for HTTP and WebSocket: a bearer token wins over the session cookie. */
export const resolveViewer = async (
  dataSource: DataSource,
  headers: Pick<IncomingHttpHeaders, "cookie" | "authorization">,
  connectionParams?: Record<string, unknown>,
): Promise<Viewer> => {
  const paramAuth = typeof connectionParams?.authorization === "string" ? connectionParams.authorization : undefined;
  const token = bearerToken(headers.authorization) ?? bearerToken(paramAuth);
  if (token) return viewerFromAccessToken(dataSource.manager, token);
  return viewerFromSession(dataSource.manager, parseCookies(headers.cookie)[SESSION_COOKIE]);
};
