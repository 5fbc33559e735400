/**
 * GitLab's full_path_slug (A2): lowercase, every char outside a-z0-9 becomes "-" (no squeezing),
 * at most 63 chars, no leading or trailing "-" or ".".
 */
export const fullPathSlug = (fullPath: string): string =>
  fullPath
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "-")
    .slice(0, 63)
    .replace(/^[-.]+|[-.]+$/g, "");

/** A group or project path segment: letters, digits, "_", "-", "." not at the ends. */
export const PATH_SEGMENT = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
