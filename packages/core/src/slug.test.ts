import { describe, expect, it } from "vitest";
import { fullPathSlug } from "./slug.ts";

describe("fullPathSlug", () => {
  it("replaces every character outside a-z0-9 with a hyphen, as GitLab", () => {
    expect(fullPathSlug("demo/app")).toBe("demo-app");
    expect(fullPathSlug("gitlab-org/gitlab-ce")).toBe("gitlab-org-gitlab-ce");
    expect(fullPathSlug("My.Group/Sub_Group/App")).toBe("my-group-sub-group-app");
  });
  it("does not squeeze repeated hyphens, so different paths can share a slug", () => {
    expect(fullPathSlug("a/b-c")).toBe(fullPathSlug("a/b/c"));
    expect(fullPathSlug("a//b")).toBe("a--b");
  });
  it("truncates to 63 characters and strips leading and trailing hyphens", () => {
    const long = `${"x".repeat(62)}/yy`;
    expect(fullPathSlug(long)).toBe("x".repeat(62));
    expect(fullPathSlug("-group/project.")).toBe("group-project");
  });
});
