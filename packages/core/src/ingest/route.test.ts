import { describe, expect, it } from "vitest";
import { readHeaders } from "./headers.ts";
import { findMailKey, receivedRecipients, targetOfKey } from "./route.ts";
import { mailFixture } from "./testing/fixtures.ts";

const replies = {
  incomingEmailAddress: "reply+%{key}@appmail.example",
  serviceDeskEmailAddress: null,
  replyHost: "localhost",
};
const serviceDesk = {
  incomingEmailAddress: "incoming+%{key}@appmail.example",
  serviceDeskEmailAddress: "support+%{key}@example.com",
  replyHost: "localhost",
};
const KEY = "59d8df8370b7e95c5a49fbf86aeb2c93";
const SD_KEY = "email-test-12-issue-";
const vars = { projectId: 12, slug: "email-test", key: "mykey" };

/** A forwarded message whose To is the customer's own mailbox: only the transport headers name us. */
const forwarded = (transport: string) =>
  readHeaders(
    Buffer.from(
      `${transport}From: Ada <ada@customer.example>\r\nTo: helpdesk@customer.example\r\n` +
        "Subject: forwarded by a rule\r\nMessage-ID: <fwd-1@customer.example>\r\n\r\nbody\r\n",
    ),
  );

describe("findMailKey: where the address is found (GitLab's header order)", () => {
  it.each([
    ["Delivered-To", `Delivered-To: incoming+${SD_KEY}@appmail.example\r\n`, "delivered-to"],
    ["Envelope-To", `Envelope-To: incoming+${SD_KEY}@appmail.example\r\n`, "envelope-to"],
    ["Envelope-To in angle brackets", `Envelope-To: <incoming+${SD_KEY}@appmail.example>\r\n`, "envelope-to"],
    ["X-Envelope-To", `X-Envelope-To: incoming+${SD_KEY}@appmail.example\r\n`, "x-envelope-to"],
    [
      "Received … for <…>",
      `Received: from mx.example by mail.appmail.example with ESMTP id 1 for <incoming+${SD_KEY}@appmail.example>; Mon, 2 Nov 2026 10:00:00 +0000\r\n`,
      "received",
    ],
  ])("finds the key in %s", (_name, transport, header) => {
    expect(findMailKey(forwarded(transport), serviceDesk)).toMatchObject({ key: SD_KEY, header, mailbox: "incoming" });
  });

  it("prefers Envelope-To over Received (a relay's Received names the first hop's address)", () => {
    const h = forwarded(
      "Received: from a by b with ESMTP id 1 for <incoming+other-9-issue-@appmail.example>; Mon, 2 Nov 2026 10:00:00 +0000\r\n" +
        `Envelope-To: incoming+${SD_KEY}@appmail.example\r\n`,
    );
    expect(findMailKey(h, serviceDesk)).toMatchObject({ key: SD_KEY, header: "envelope-to" });
  });

  it("lists every Received recipient in header order", () => {
    const h = forwarded(
      "Received: from a by b with ESMTP id 1 for <incoming+first-1-issue-@appmail.example>; Mon, 2 Nov 2026 10:00:00 +0000\r\n" +
        "Received: from c by d with ESMTP id 2 for <incoming+second-2-issue-@appmail.example>; Mon, 2 Nov 2026 09:59:00 +0000\r\n",
    );
    expect(receivedRecipients(h)).toEqual([
      "incoming+first-1-issue-@appmail.example",
      "incoming+second-2-issue-@appmail.example",
    ]);
  });

  it("finds a reply key in To, and in References when the address has no sub-address", () => {
    const inTo = findMailKey(readHeaders(mailFixture("reply-commands-and-quote.eml")), replies);
    expect(inTo).toMatchObject({ key: KEY, header: "to" });
    expect(targetOfKey(inTo!)).toEqual({ kind: "reply", replyKey: KEY });
    for (const refs of [`<reply-${KEY}@localhost>`, `"<other@x>,<reply-${KEY}@localhost>"`]) {
      const h = readHeaders(
        Buffer.from(`From: a@customer.example\r\nTo: support@appmail.example\r\nReferences: ${refs}\r\n\r\nhi\r\n`),
      );
      expect(findMailKey(h, replies)).toMatchObject({ key: KEY, header: "references" });
    }
  });

  it("finds the default Service Desk key in To", () => {
    const m = findMailKey(readHeaders(mailFixture("new-ticket-gmail.eml", vars)), serviceDesk);
    expect(m).toMatchObject({ key: SD_KEY, header: "to", mailbox: "incoming" });
    expect(targetOfKey(m!)).toEqual({ kind: "service_desk", projectId: 12, slug: "email-test" });
  });

  it("finds the alias mailbox's key with a project suffix", () => {
    const h = readHeaders(
      Buffer.from("From: a@customer.example\r\nTo: support+email-test-mykey@example.com\r\nSubject: s\r\n\r\nb\r\n"),
    );
    const m = findMailKey(h, serviceDesk);
    expect(m).toMatchObject({ key: "email-test-mykey", header: "to", mailbox: "service_desk" });
    expect(targetOfKey(m!)).toEqual({ kind: "service_desk_key", slug: "email-test", projectKey: "mykey" });
  });

  it("finds no key when References are someone else's and nothing else names us", () => {
    expect(findMailKey(readHeaders(mailFixture("foreign-references.eml")), serviceDesk)).toBeNull();
  });

  it("resolves the legacy group/project address", () => {
    const m = findMailKey(readHeaders(mailFixture("legacy-address.eml")), serviceDesk);
    expect(targetOfKey(m!)).toEqual({ kind: "legacy", fullPath: "email/test" });
  });

  it("uses the SMTP envelope recipient after Delivered-To and before Received (Bcc'd mail)", () => {
    const bcc = readHeaders(Buffer.from("From: a@example.org\r\nTo: friend@example.org\r\nSubject: s\r\n\r\nb"));
    expect(findMailKey(bcc, serviceDesk, ["support+other-3-issue-@example.com"])).toMatchObject({
      key: "other-3-issue-",
      header: "envelope",
    });
    const raw = mailFixture("new-ticket-gmail.eml", vars);
    expect(findMailKey(readHeaders(raw), serviceDesk, ["support+other-3-issue-@example.com"])).toMatchObject({
      key: SD_KEY,
      header: "to",
    });
  });

  it("classifies unsubscribe, unknown and new-issue-by-email keys", () => {
    expect(targetOfKey({ mailbox: "incoming", key: `${KEY}-unsubscribe` })).toEqual({
      kind: "unsubscribe",
      replyKey: KEY,
    });
    expect(targetOfKey({ mailbox: "incoming", key: "group-project-3-token-issue" }).kind).toBe("unknown");
    expect(targetOfKey({ mailbox: "incoming", key: "group/project+auth_token" }).kind).toBe("unknown");
  });
});
