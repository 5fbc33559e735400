import type { Config } from "@tidings/config";

/**
 * Express's "trust proxy" setting from TRUSTED_PROXIES: `X-Forwarded-For` is believed only when the
 * direct peer is listed there. Nothing listed (the default) trusts nobody, so `req.ip` is the socket's
 * address — a loopback client cannot pick its own address for the sign-in limits.
 */
export const trustProxySetting = (config: Pick<Config, "TRUSTED_PROXIES">): false | string[] =>
  config.TRUSTED_PROXIES.length ? config.TRUSTED_PROXIES : false;
