// Attachment links in customer emails work without an account (issue 12.5): a link to one of our uploads
// (`<PUBLIC_URL>/uploads/<secret>/<name>`) carries `expires` (Unix seconds) and `signature`, an HMAC-SHA256
// of the upload and the expiry under the instance's email-link key. The api's download route serves a
// link whose signature holds until it expires; anything else needs a viewer who may read the issue.
import crypto from "node:crypto";
import type { Config } from "@tidings/config";
import { instanceKey } from "../secrets/instance-key.ts";

/** The key file generated into DATA_DIR when EMAIL_LINK_SECRET is unset; the api and the worker share it. */
export const EMAIL_LINK_KEY_FILE = "email-link.key";

/**
 * How the emails of an instance sign upload links: where the key comes from (EMAIL_LINK_SECRET, else the
 * file in DATA_DIR, read on first use) and the links' lifetime. Plain data: settings cross thread boundaries.
 */
export type UploadLinkSigning = { secret: string | null; dataDir: string; ttlMs: number };

/** The key of a secret or a DATA_DIR, read once per process. */
const keyOf = (secret: string | null | undefined, dataDir: string): Buffer =>
  instanceKey({ secret, dataDir, file: EMAIL_LINK_KEY_FILE, variable: "EMAIL_LINK_SECRET" });

/** The email-link key: EMAIL_LINK_SECRET, else DATA_DIR/email-link.key (created on first use). Read lazily, once. */
export const emailLinkKey =
  (config: Pick<Config, "EMAIL_LINK_SECRET" | "DATA_DIR">): (() => Buffer) =>
  () =>
    keyOf(config.EMAIL_LINK_SECRET, config.DATA_DIR);

export const uploadLinkSigningFromConfig = (
  config: Pick<Config, "EMAIL_LINK_SECRET" | "DATA_DIR" | "EMAIL_LINK_TTL_DAYS">,
): UploadLinkSigning => ({
  secret: config.EMAIL_LINK_SECRET ?? null,
  dataDir: config.DATA_DIR,
  ttlMs: config.EMAIL_LINK_TTL_DAYS * 24 * 60 * 60 * 1000,
});

// The path store-attachments.ts gives an upload and the api's download route serves.
const UPLOAD_PATH = /^\/uploads\/([0-9a-f]{32})\/([^/?#]+)$/;

const mac = (key: Buffer, secret: string, filename: string, expires: number) =>
  crypto.createHmac("sha256", key).update(`upload\n${secret}\n${filename}\n${expires}`).digest("base64url");

/**
 * The link with `?expires=…&signature=…` when it points at one of our uploads under `publicUrl`; any other
 * link is returned as it is.
 */
export const signUploadUrl = (url: string, publicUrl: string, signing: UploadLinkSigning, now = Date.now()) => {
  const base = publicUrl.replace(/\/+$/, "");
  if (!url.startsWith(`${base}/uploads/`)) return url;
  const m = UPLOAD_PATH.exec(url.slice(base.length));
  if (!m) return url;
  let filename: string;
  try {
    filename = decodeURIComponent(m[2]);
  } catch {
    return url;
  }
  const expires = Math.floor((now + signing.ttlMs) / 1000);
  const key = keyOf(signing.secret, signing.dataDir);
  return `${url}?expires=${expires}&signature=${mac(key, m[1], filename, expires)}`;
};

export type UploadLinkCheck = "valid" | "expired" | "invalid";

/** Whether a download request's `expires` and `signature` were made by signUploadUrl for this upload. */
export const checkUploadSignature = (
  key: Buffer,
  input: { secret: string; filename: string; expires: unknown; signature: unknown },
  now = Date.now(),
): UploadLinkCheck => {
  const { secret, filename, expires, signature } = input;
  if (typeof expires !== "string" || !/^[1-9]\d{0,11}$/.test(expires) || typeof signature !== "string") {
    return "invalid";
  }
  const expected = Buffer.from(mac(key, secret, filename, Number(expires)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return "invalid";
  return Number(expires) * 1000 > now ? "valid" : "expired";
};
