import { describe, expect, it } from "vitest";
import { fillTemplate, previewAddress, sampleValues, suffixProblem, unknownPlaceholders } from "./templates.ts";

describe("email template preview", () => {
  it("fills known placeholders with inner spaces when rendering a sample", () => {
    const values = sampleValues("demo/app", "http://x", "thank_you");
    expect(fillTemplate("Thanks! %{ISSUE_ID} at %{ ISSUE_PATH }", values)).toBe("Thanks! #42 at demo/app#42");
  });

  it("flags unknown placeholders when the name is misspelt or lowercase", () => {
    expect(unknownPlaceholders("%{ISSUE_ID} %{ISSUE_IDD} %{ issue_id } %{NOTE_TEXT}")).toEqual([
      "%{ISSUE_IDD}",
      "%{ issue_id }",
    ]);
    expect(fillTemplate("%{ISSUE_IDD}", sampleValues("a/b", "http://x", "new_note"))).toBe("%{ISSUE_IDD}");
  });
});

describe("suffix preview", () => {
  it("rewrites the key of the shown address when a suffix is typed", () => {
    expect(previewAddress("contact+demo-app-1-issue-@example.com", "demo-app", "support", "demo-app-1-issue-")).toBe(
      "contact+demo-app-support@example.com",
    );
    expect(previewAddress("contact+demo-app-support@example.com", "demo-app", "", "demo-app-1-issue-")).toBe(
      "contact+demo-app-1-issue-@example.com",
    );
    expect(previewAddress(null, "demo-app", "x", null)).toBeNull();
  });

  it("reports an invalid suffix when it has capitals or symbols", () => {
    expect(suffixProblem("support_2")).toBeNull();
    expect(suffixProblem("")).toBeNull();
    expect(suffixProblem("Support!")).toMatch(/only lowercase letters, digits, and '_'/);
  });
});
