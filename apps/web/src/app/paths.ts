/**
 * Project routes are `/<group>/<sub>/<project>/-/<page>`: groups nest, so the project path has a
 * variable length and the `/-/` separator (as GitLab) is what splits it from the page.
 */
export type ProjectRoute =
  | { page: "issues"; projectPath: string }
  | { page: "issue"; projectPath: string; iid: string }
  | { page: "settings"; projectPath: string }
  | { page: "quarantine"; projectPath: string }
  | { page: "mail_health"; projectPath: string }
  | { page: "saved_replies"; projectPath: string }
  | { page: "members"; projectPath: string }
  | { page: "unknown"; projectPath: string };

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Parses a pathname; `null` when it is not a project route at all. */
export const parseProjectPath = (pathname: string): ProjectRoute | null => {
  const index = pathname.indexOf("/-/");
  if (index <= 0) return null;
  const segments = pathname.slice(1, index).split("/").map(safeDecode);
  if (segments.length < 2 || !segments.every((s) => s !== null && SEGMENT.test(s))) return null;
  const projectPath = segments.join("/");
  const rest = pathname
    .slice(index + 3)
    .replace(/\/+$/, "")
    .split("/");
  const [first, second, ...more] = rest;
  if (first === "issues" && (second === undefined || second === "service_desk") && more.length === 0) {
    return { page: "issues", projectPath };
  }
  if (first === "issues" && second !== undefined && /^\d+$/.test(second) && more.length === 0) {
    return { page: "issue", projectPath, iid: second };
  }
  if (first === "settings" && second === "service_desk" && more.length === 0) return { page: "settings", projectPath };
  if (first === "quarantine" && second === undefined) return { page: "quarantine", projectPath };
  if (first === "mail_health" && second === undefined) return { page: "mail_health", projectPath };
  if (first === "saved_replies" && second === undefined) return { page: "saved_replies", projectPath };
  if (first === "project_members" && second === undefined) return { page: "members", projectPath };
  return { page: "unknown", projectPath };
};

const safeDecode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

const base = (projectPath: string) => `/${projectPath.split("/").map(encodeURIComponent).join("/")}/-`;

export const issuesPath = (projectPath: string, search?: URLSearchParams | string) => {
  const query = search ? search.toString() : "";
  return `${base(projectPath)}/issues${query ? `?${query}` : ""}`;
};
export const issuePath = (projectPath: string, iid: string | number) => `${base(projectPath)}/issues/${iid}`;
export const settingsPath = (projectPath: string) => `${base(projectPath)}/settings/service_desk`;
export const quarantinePath = (projectPath: string) => `${base(projectPath)}/quarantine`;
export const mailHealthPath = (projectPath: string) => `${base(projectPath)}/mail_health`;
export const savedRepliesPath = (projectPath: string) => `${base(projectPath)}/saved_replies`;
export const membersPath = (projectPath: string) => `${base(projectPath)}/project_members`;

/** Where to send someone after sign-in: only same-site paths, never `//host` or a scheme. */
export const safeRedirect = (target: string | null | undefined): string => {
  if (!target?.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return "/";
  if (target.startsWith("/users/sign_in")) return "/";
  return target;
};

/** A2: lowercase, every char outside a-z0-9 becomes `-`, at most 63 chars, no leading/trailing `-`/`.`. */
export const fullPathSlug = (fullPath: string): string =>
  fullPath
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "-")
    .slice(0, 63)
    .replace(/^[-.]+|[-.]+$/g, "");

/** The notifications inbox (issue 10.2); core owns the path, as its emails link to it. */
export { INBOX_PATH as inboxPath } from "../../../../packages/core/src/team-notifications/levels.ts";
