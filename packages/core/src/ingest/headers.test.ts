import { describe, expect, it } from "vitest";
import { addressesIn, messageIdTokens, readHeaders } from "./headers.ts";
import { mailFixture } from "./testing/fixtures.ts";

describe("headers", () => {
  it("splits comma-joined and space-joined References", () => {
    expect(messageIdTokens(`"<reply-1@localhost>,<issue_1@localhost>,<exchange@microsoft.com>"`)).toEqual([
      "reply-1@localhost",
      "issue_1@localhost",
      "exchange@microsoft.com",
    ]);
    expect(messageIdTokens("<a@x> <b@y>")).toEqual(["a@x", "b@y"]);
  });
  it("reads addresses, skipping display names with commas", () => {
    expect(addressesIn(`"Doe, Jane" <jane@example.com>, kk@example.org`)).toEqual([
      "jane@example.com",
      "kk@example.org",
    ]);
  });
  it("copes with a leading empty line before the headers", () => {
    expect(readHeaders(mailFixture("on-wrote-leading-blank.eml")).get("subject")?.[0]).toContain("Toner warnings");
  });
});
