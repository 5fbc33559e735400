import DOMPurify from "dompurify";
import { Marked } from "marked";
import { classifyImage, isExternalLink, isSafeLink } from "./url-policy.ts";

/** A transparent 1×1 GIF: remote images show as an empty box with their alt text until consent. */
export const BLOCKED_IMAGE_SRC = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

const marked = new Marked({ gfm: true, breaks: true, async: false });

export type RenderedMarkdown = { html: string; blockedImages: number };

const FORBID_TAGS = [
  "style",
  "form",
  "input",
  "button",
  "textarea",
  "select",
  "option",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "link",
  "meta",
  "base",
  "video",
  "audio",
  "source",
  "track",
  "picture",
  "svg",
  "math",
  "template",
];
const FORBID_ATTR = [
  "style",
  "srcset",
  "background",
  "poster",
  "formaction",
  "action",
  "ping",
  "xlink:href",
  "id",
  "name",
];

/**
 * Markdown (from people or from converted email HTML) → sanitised HTML: no script, no event handlers,
 * no `javascript:` URLs, no CSS (which can load remote content), no forms; remote images replaced by a
 * placeholder unless `allowRemoteImages`.
 */
export const renderMarkdown = (source: string, options: { allowRemoteImages: boolean }): RenderedMarkdown => {
  const raw = marked.parse(source ?? "") as string;
  const origin = window.location.origin;
  let blockedImages = 0;
  const purify = DOMPurify(window);
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "IMG") {
      const src = node.getAttribute("src") ?? "";
      const policy = classifyImage(src, origin);
      if (policy === "drop") {
        node.removeAttribute("src");
      } else if (policy === "remote" && !options.allowRemoteImages) {
        blockedImages += 1;
        node.setAttribute("src", BLOCKED_IMAGE_SRC);
        node.setAttribute("data-blocked-src", src);
        node.setAttribute("class", "blocked-image");
        if (!node.getAttribute("alt")) node.setAttribute("alt", "Remote image (blocked)");
      }
      node.setAttribute("loading", "lazy");
      node.setAttribute("referrerpolicy", "no-referrer");
    }
    // Wide code and tables scroll sideways: keyboard users must be able to reach and scroll them.
    if (node.tagName === "PRE" || node.tagName === "TABLE") node.setAttribute("tabindex", "0");
    if (node.tagName === "A") {
      const href = node.getAttribute("href");
      if (href !== null && !isSafeLink(href, origin)) node.removeAttribute("href");
      else if (href !== null && isExternalLink(href, origin)) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer nofollow");
      }
    }
  });
  const html = purify.sanitize(raw, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  }) as string;
  purify.removeAllHooks();
  return { html, blockedImages };
};
