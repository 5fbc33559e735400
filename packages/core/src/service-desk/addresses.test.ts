import { describe, expect, it } from "vitest";
import { keyFromAddress, serviceDeskAddress } from "./addresses.ts";

const project = { id: 7, fullPathSlug: "demo-app", serviceDeskEnabled: true };
const cfg = { incomingEmailAddress: "incoming+%{key}@tidings.localhost" };

describe("serviceDeskAddress", () => {
  it("uses GitLab's <slug>-<id>-issue- format with the trailing hyphen", () => {
    expect(serviceDeskAddress(cfg, project, null)).toBe("incoming+demo-app-7-issue-@tidings.localhost");
  });
  it("prefers the alias mailbox with the suffix when one is configured", () => {
    const alias = { ...cfg, serviceDeskEmailAddress: "contact+%{key}@example.com" };
    expect(serviceDeskAddress(alias, project, { projectKey: "support" })).toBe("contact+demo-app-support@example.com");
    expect(serviceDeskAddress(alias, project, { projectKey: null })).toBe("contact+demo-app-7-issue-@example.com");
  });
  it("is null when Service Desk is disabled", () => {
    expect(serviceDeskAddress(cfg, { ...project, serviceDeskEnabled: false }, null)).toBeNull();
  });
});

describe("keyFromAddress", () => {
  it("extracts the key, accepting angle brackets", () => {
    expect(keyFromAddress(cfg.incomingEmailAddress, "incoming+demo-app-7-issue-@tidings.localhost")).toBe(
      "demo-app-7-issue-",
    );
    expect(keyFromAddress(cfg.incomingEmailAddress, "<incoming+abc@tidings.localhost>")).toBe("abc");
  });
  it("returns null for other addresses", () => {
    expect(keyFromAddress(cfg.incomingEmailAddress, "someone@tidings.localhost")).toBeNull();
    expect(keyFromAddress(cfg.incomingEmailAddress, "incoming+x@other.example")).toBeNull();
  });
});
