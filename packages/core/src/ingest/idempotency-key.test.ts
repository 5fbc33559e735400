import { describe, expect, it } from "vitest";
import { idempotencyKeyFor } from "./receive-email.ts";
import { mailFixture } from "./testing/fixtures.ts";

const serviceDesk = {
  incomingEmailAddress: "incoming+%{key}@appmail.example",
  serviceDeskEmailAddress: "support+%{key}@example.com",
  replyHost: "localhost",
};

describe("idempotencyKeyFor", () => {
  it("uses Message-ID + destination, and the SHA-256 without a Message-ID", () => {
    const raw = mailFixture("new-ticket-gmail.eml", { projectId: 12, slug: "email-test" });
    expect(idempotencyKeyFor(raw, serviceDesk).key).toMatch(
      /^mid:CAL9xR2kV7pq3nYw8tZb4Qm1sHdJ6eFgUo0aXcB5vNj@mail\.gmail\.com\|to:incoming\+email-test-12-issue-@appmail\.example\|c:[0-9a-f]{32}$/,
    );
    const noId = Buffer.from("From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\n\r\nhello");
    expect(idempotencyKeyFor(noId, serviceDesk).key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
