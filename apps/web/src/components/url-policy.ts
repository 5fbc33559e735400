/**
 * Which URLs rendered content may use. Pure, so it is unit-tested without a DOM.
 * - Links: http(s), mailto and same-site paths only (no `javascript:`, `data:`, `vbscript:` …).
 * - Images load automatically only from this site's `/uploads/…` (or inline `data:image/` of a safe
 *   type); anything remote waits until the responder clicks "Show remote images".
 */
export type ImagePolicy = "allow" | "remote" | "drop";

const SAFE_DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]+$/i;

const parse = (raw: string, origin: string): URL | null => {
  try {
    return new URL(raw.trim(), origin);
  } catch {
    return null;
  }
};

export const classifyImage = (raw: string, origin: string): ImagePolicy => {
  const value = raw.trim();
  if (SAFE_DATA_IMAGE.test(value)) return "allow";
  const url = parse(value, origin);
  if (!url) return "drop";
  if (url.protocol !== "http:" && url.protocol !== "https:") return "drop";
  if (url.origin === new URL(origin).origin) return url.pathname.startsWith("/uploads/") ? "allow" : "drop";
  return "remote";
};

export const isSafeLink = (raw: string, origin: string): boolean => {
  const url = parse(raw, origin);
  return !!url && ["http:", "https:", "mailto:"].includes(url.protocol);
};

export const isExternalLink = (raw: string, origin: string): boolean => {
  const url = parse(raw, origin);
  return !!url && url.origin !== new URL(origin).origin;
};
