import type { IncomingMessage } from "node:http";
import type { Config } from "@tidings/config";
import proxyaddr from "proxy-addr";

/**
 * Express's "trust proxy" setting from TRUSTED_PROXIES: `X-Forwarded-For` is believed only when the
 * direct peer is listed there. Nothing listed (the default) trusts nobody, so `req.ip` is the socket's
 * address — a loopback client cannot pick its own address for the sign-in limits.
 */
export const trustProxySetting = (config: Pick<Config, "TRUSTED_PROXIES">): false | string[] =>
  config.TRUSTED_PROXIES.length ? config.TRUSTED_PROXIES : false;

/**
 * The client's address for a request Express does not see (a WebSocket upgrade), read as Express reads
 * `req.ip` with trustProxySetting (proxy-addr, the library Express uses): the sockets an anonymous client
 * may open and its query budget count per client, not per proxy. client-ip.test.ts proves the two agree.
 */
export const clientAddressOf = (config: Pick<Config, "TRUSTED_PROXIES">) => {
  const setting = trustProxySetting(config);
  const trust = setting ? proxyaddr.compile(setting) : () => false;
  return (request: IncomingMessage): string => proxyaddr(request, trust);
};
