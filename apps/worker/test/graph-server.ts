// A local server that speaks the documented subset of Microsoft Graph and the Microsoft identity platform
// that Tidings uses (issue 13.1): OpenID discovery and the client-credentials token endpoint of an
// authority, the inbox listing with server-side paging (`@odata.nextLink`), `/messages/{id}/$value` and
// `/messages/{id}/move`. HTTPS with a certificate made for the run, so the worker reaches it exactly as it
// reaches a sovereign cloud: through GRAPH_AUTHORITY_URL and GRAPH_ENDPOINT, trusting its CA through
// NODE_EXTRA_CA_CERTS. Faults on demand: 429 with Retry-After, and a record of every request.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export type GraphRequest = { method: string; path: string; status: number; at: number };

export type GraphServer = {
  url: string;
  /** The CA file the worker trusts (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  mailbox: string;
  deliver: (raw: Buffer) => string;
  inbox: () => string[];
  archive: () => Buffer[];
  /** How often each message's MIME was fetched, by the id it had in the inbox. */
  fetches: Map<string, number>;
  requests: GraphRequest[];
  /** The next `count` Graph calls answer 429 with `Retry-After: seconds`. */
  throttle: (count: number, seconds: number) => void;
  env: (prefix?: string) => Record<string, string>;
  close: () => Promise<void>;
};

/** Graph pages at most this many messages whatever $top asks, as the real service caps page sizes. */
const SERVER_PAGE = 10;

const makeCertificate = (dir: string) => {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  return { key, cert };
};

export const startGraphServer = async (): Promise<GraphServer> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-graph-"));
  const { key, cert } = makeCertificate(dir);
  const tenant = "contoso-tenant";
  const clientId = "tidings-app";
  const clientSecret = `secret-${crypto.randomBytes(6).toString("hex")}`;
  const mailbox = "support@contoso.test";
  const inbox = new Map<string, Buffer>();
  const archived: Buffer[] = [];
  const fetches = new Map<string, number>();
  const requests: GraphRequest[] = [];
  const issued = new Set<string>();
  let throttled = { count: 0, seconds: 0 };
  let seq = 0;
  let base = "";

  const json = (res: import("node:http").ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: import("node:http").IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = "";
      req.on("data", (d) => (s += d));
      req.on("end", () => resolve(s));
    });

  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, async (req, res) => {
    const u = new URL(req.url ?? "/", base);
    const record = (status: number) =>
      requests.push({ method: req.method ?? "", path: u.pathname, status, at: Date.now() });
    // The identity platform (authority): discovery and the token endpoint.
    if (u.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      record(200);
      return json(res, 200, {
        issuer: `${base}/${tenant}/v2.0`,
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      });
    }
    if (u.pathname === `/${tenant}/oauth2/v2.0/token` && req.method === "POST") {
      const form = new URLSearchParams(await readBody(req));
      const good =
        form.get("grant_type") === "client_credentials" &&
        form.get("client_id") === clientId &&
        form.get("client_secret") === clientSecret &&
        (form.get("scope") ?? "").split(" ").includes(`${base}/.default`);
      record(good ? 200 : 401);
      if (!good)
        return json(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret." });
      const token = crypto.randomBytes(16).toString("hex");
      issued.add(token);
      return json(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    // Graph.
    const prefix = `/v1.0/users/${encodeURIComponent(mailbox)}`;
    if (!u.pathname.startsWith(prefix)) {
      record(404);
      return json(res, 404, { error: { code: "ResourceNotFound" } });
    }
    const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!issued.has(bearer)) {
      record(401);
      return json(res, 401, { error: { code: "InvalidAuthenticationToken" } });
    }
    if (throttled.count > 0) {
      throttled.count--;
      record(429);
      return json(res, 429, { error: { code: "TooManyRequests" } }, { "retry-after": String(throttled.seconds) });
    }
    const rest = u.pathname.slice(prefix.length);
    if (rest === "/mailFolders/inbox/messages" && req.method === "GET") {
      const top = Math.min(Number(u.searchParams.get("$top") ?? SERVER_PAGE), SERVER_PAGE);
      const skip = Number(u.searchParams.get("$skiptoken") ?? 0);
      const ids = [...inbox.keys()];
      const page = ids.slice(skip, skip + top);
      const next =
        skip + top < ids.length
          ? `${base}${prefix}/mailFolders/inbox/messages?$select=id&$top=${top}&$skiptoken=${skip + top}`
          : undefined;
      record(200);
      return json(res, 200, { value: page.map((id) => ({ id })), ...(next ? { "@odata.nextLink": next } : {}) });
    }
    const value = rest.match(/^\/messages\/([^/]+)\/\$value$/);
    if (value && req.method === "GET") {
      const id = decodeURIComponent(value[1]);
      const raw = inbox.get(id);
      record(raw ? 200 : 404);
      if (!raw) return json(res, 404, { error: { code: "ErrorItemNotFound" } });
      fetches.set(id, (fetches.get(id) ?? 0) + 1);
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(raw);
    }
    const move = rest.match(/^\/messages\/([^/]+)\/move$/);
    if (move && req.method === "POST") {
      const id = decodeURIComponent(move[1]);
      const body = JSON.parse((await readBody(req)) || "{}") as { destinationId?: string };
      const raw = inbox.get(id);
      if (!raw || body.destinationId !== "archive") {
        record(raw ? 400 : 404);
        return json(res, raw ? 400 : 404, { error: { code: raw ? "ErrorInvalidIdMalformed" : "ErrorItemNotFound" } });
      }
      inbox.delete(id);
      archived.push(raw);
      record(201);
      return json(res, 201, { id: `archived-${id}` });
    }
    record(400);
    return json(res, 400, { error: { code: "BadRequest" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    caFile: cert,
    tenant,
    clientId,
    clientSecret,
    mailbox,
    deliver: (raw) => {
      const id = `AAMk-${++seq}-${crypto.randomBytes(4).toString("hex")}=`;
      inbox.set(id, raw);
      return id;
    },
    inbox: () => [...inbox.keys()],
    archive: () => archived,
    fetches,
    requests,
    throttle: (count, seconds) => {
      throttled = { count, seconds };
    },
    env: (prefix = "") => ({
      [`${prefix}GRAPH_TENANT_ID`]: tenant,
      [`${prefix}GRAPH_CLIENT_ID`]: clientId,
      [`${prefix}GRAPH_CLIENT_SECRET`]: clientSecret,
      [`${prefix}GRAPH_MAILBOX`]: mailbox,
      [`${prefix}GRAPH_AUTHORITY_URL`]: base,
      [`${prefix}GRAPH_ENDPOINT`]: base,
      [`${prefix}GRAPH_POLL_INTERVAL`]: "1",
    }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
