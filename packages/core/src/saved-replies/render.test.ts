import { describe, expect, it } from "vitest";
import { renderSavedReply } from "./render.ts";

describe("renderSavedReply (11.4)", () => {
  const ctx = { projectPath: "demo/app", issueIid: 12, requesterName: "Ada Lovelace", requesterAddress: "ada@x.org" };
  it("fills the issue and requester placeholders, GitLab-style whitespace allowed", () => {
    expect(renderSavedReply("Hi %{REQUESTER_NAME}, ticket %{ ISSUE_ID } (%{ISSUE_PATH}).", ctx)).toBe(
      "Hi Ada Lovelace, ticket #12 (demo/app#12).",
    );
  });
  it("falls back to the address's local part, then to nothing", () => {
    expect(renderSavedReply("Hi %{REQUESTER_NAME}", { ...ctx, requesterName: null })).toBe("Hi ada");
    expect(renderSavedReply("Hi %{REQUESTER_NAME}", { ...ctx, requesterName: null, requesterAddress: null })).toBe(
      "Hi ",
    );
  });
  it("leaves unknown placeholders as written", () => {
    expect(renderSavedReply("%{UNSUBSCRIBE_URL} %{NOPE}", ctx)).toBe("%{UNSUBSCRIBE_URL} %{NOPE}");
  });
  it("fills in one pass: a requester named like a placeholder is shown as named, not expanded", () => {
    expect(renderSavedReply("Hi %{REQUESTER_NAME}", { ...ctx, requesterName: "%{ISSUE_PATH}" })).toBe(
      "Hi %{ISSUE_PATH}",
    );
    expect(renderSavedReply("Cost: $& $1 %{ISSUE_ID}", ctx)).toBe("Cost: $& $1 #12");
  });
});
