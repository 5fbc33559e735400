import { describe, expect, it } from "vitest";
import { fullPathSlug, issuePath, issuesPath, parseProjectPath, safeRedirect, settingsPath } from "./paths.ts";

describe("parseProjectPath", () => {
  it("splits the project path from the page on /-/ when groups nest", () => {
    expect(parseProjectPath("/demo/app/-/issues")).toEqual({ page: "issues", projectPath: "demo/app" });
    expect(parseProjectPath("/a/b/c/proj/-/issues/42")).toEqual({
      page: "issue",
      projectPath: "a/b/c/proj",
      iid: "42",
    });
    expect(parseProjectPath("/demo/app/-/settings/service_desk")).toEqual({
      page: "settings",
      projectPath: "demo/app",
    });
    expect(parseProjectPath("/demo/app/-/quarantine/")).toEqual({ page: "quarantine", projectPath: "demo/app" });
    expect(parseProjectPath("/demo/app/-/mail_health")).toEqual({ page: "mail_health", projectPath: "demo/app" });
    expect(parseProjectPath("/demo/app/-/saved_replies")).toEqual({ page: "saved_replies", projectPath: "demo/app" });
    expect(parseProjectPath("/demo/app/-/issues/service_desk")).toEqual({ page: "issues", projectPath: "demo/app" });
  });

  it("returns null or unknown when the path is not a project route", () => {
    expect(parseProjectPath("/")).toBeNull();
    expect(parseProjectPath("/users/sign_in")).toBeNull();
    expect(parseProjectPath("/-/health")).toBeNull();
    expect(parseProjectPath("/app/-/issues")).toBeNull();
    expect(parseProjectPath("/demo/../x/-/issues")).toBeNull();
    expect(parseProjectPath("/demo/app/-/issues/abc")).toEqual({ page: "unknown", projectPath: "demo/app" });
  });

  it("round-trips the builders", () => {
    expect(parseProjectPath(issuePath("g/s/p", 7))).toEqual({ page: "issue", projectPath: "g/s/p", iid: "7" });
    expect(parseProjectPath(settingsPath("g/p"))?.page).toBe("settings");
    expect(issuesPath("g/p", new URLSearchParams({ state: "closed" }))).toBe("/g/p/-/issues?state=closed");
  });
});

describe("safeRedirect", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(safeRedirect("/demo/app/-/issues/3")).toBe("/demo/app/-/issues/3");
    expect(safeRedirect("//evil.example/x")).toBe("/");
    expect(safeRedirect("/\\evil.example")).toBe("/");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect("/users/sign_in")).toBe("/");
  });
});

describe("fullPathSlug", () => {
  it("slugifies as GitLab when the path has separators and capitals", () => {
    expect(fullPathSlug("demo/app")).toBe("demo-app");
    expect(fullPathSlug("My.Group/Sub_x/Pro")).toBe("my-group-sub-x-pro");
    expect(fullPathSlug("-a/b-")).toBe("a-b");
  });
});
