// Issue 9.11: one codec for addresses, project keys and reply keys. Everything a writer encodes, a
// reader decodes back to the same thing, whatever the configured templates look like.
import { describe, expect, it } from "vitest";
import { findMailKey, targetOfKey } from "../ingest/route.ts";
import { readHeaders } from "../ingest/headers.ts";
import {
  newReplyKey,
  redactReplyKeys,
  replyAddress,
  replyReference,
  unsubscribeAddress,
  unsubscribeUrl,
} from "../notifications/reply-key.ts";
import { fullPathSlug } from "../slug.ts";
import { aliasAddress, incomingAddress, serviceDeskAddress } from "./addresses.ts";
import { addressForKey, decodeKey, encodeKey, keyFromAddress, type MailTarget } from "./mail-key-codec.ts";

const TEMPLATES = [
  "incoming+%{key}@tidings.localhost",
  "reply+%{key}@appmail.example.com",
  "%{key}@in.example.org",
  "help.desk+%{key}@sub.example.co.uk",
];
const PATHS = ["demo/app", "Group.Name/Sub_Project-x", "a/b", "ÜBER/straße", `${"x".repeat(80)}/y`];
const REPLY_KEYS = [
  newReplyKey(),
  newReplyKey(),
  "0123456789abcdef0123456789abcdef",
  "ab12-abcdefghijklmnopqrstuvwxy-1",
];

const targets = (): Exclude<MailTarget, { kind: "unknown" }>[] => [
  ...PATHS.flatMap((path, i) => [
    { kind: "service_desk" as const, slug: fullPathSlug(path), projectId: i + 1 },
    { kind: "service_desk" as const, slug: fullPathSlug(path), projectId: 2_147_483_647 },
  ]),
  ...REPLY_KEYS.flatMap((replyKey) => [
    { kind: "reply" as const, replyKey },
    { kind: "unsubscribe" as const, replyKey },
  ]),
  { kind: "legacy", fullPath: "demo/app" },
  { kind: "legacy", fullPath: "group/sub/project" },
];

describe("the mail key codec", () => {
  it("decodes every encoded key of the incoming mailbox to what was encoded, through every template", () => {
    for (const template of TEMPLATES) {
      for (const target of targets()) {
        const address = addressForKey(template, encodeKey(target));
        const key = keyFromAddress(template, address);
        expect(key, address).not.toBeNull();
        expect(decodeKey("incoming", key!), address).toEqual(target);
        expect(keyFromAddress(template, `<${address}>`)).toBe(key);
      }
    }
  });

  it("decodes alias keys with a project suffix in the Service Desk mailbox", () => {
    for (const path of PATHS) {
      for (const projectKey of ["support", "a", "with_underscore_1"]) {
        const target = { kind: "service_desk_key" as const, slug: fullPathSlug(path), projectKey };
        expect(decodeKey("service_desk", encodeKey(target))).toEqual(target);
      }
    }
  });

  it("is what the settings address, Reply-To, List-Unsubscribe and References use, and what routing reads", () => {
    const mail = {
      publicUrl: "https://desk.example.com",
      emailFrom: "support@example.com",
      incomingEmailAddress: "incoming+%{key}@appmail.example.com",
      serviceDeskEmailAddress: "contact+%{key}@example.com",
      messageIdHost: "desk.example.com",
    };
    const route = { ...mail, replyHost: mail.messageIdHost };
    const project = { id: 42, fullPathSlug: "demo-app", serviceDeskEnabled: true };
    const routeOf = (to: string, refs = "") =>
      findMailKey(readHeaders(Buffer.from(`From: a@b.example\r\nTo: ${to}\r\n${refs}\r\nhi\r\n`)), route);
    expect(targetOfKey(routeOf(incomingAddress(mail, project))!)).toEqual({
      kind: "service_desk",
      projectId: 42,
      slug: "demo-app",
    });
    expect(targetOfKey(routeOf(aliasAddress(mail, project, { projectKey: "help" })!)!)).toEqual({
      kind: "service_desk_key",
      slug: "demo-app",
      projectKey: "help",
    });
    expect(serviceDeskAddress(mail, project, { projectKey: "help" })).toBe("contact+demo-app-help@example.com");
    const key = newReplyKey();
    expect(targetOfKey(routeOf(replyAddress(mail, key))!)).toEqual({ kind: "reply", replyKey: key });
    expect(targetOfKey(routeOf(unsubscribeAddress(mail, key))!)).toEqual({ kind: "unsubscribe", replyKey: key });
    const viaReferences = routeOf("support@example.com", `References: <${replyReference(mail, key)}>\r\n`);
    expect(targetOfKey(viaReferences!)).toEqual({ kind: "reply", replyKey: key });
    expect(unsubscribeUrl(mail, key)).toBe(`https://desk.example.com/-/unsubscribe/${key}`);
  });

  it("redacts exactly what our writers put into text", () => {
    const mail = {
      publicUrl: "https://desk.example.com",
      emailFrom: "support@example.com",
      incomingEmailAddress: "incoming+%{key}@appmail.example.com",
      serviceDeskEmailAddress: null,
      messageIdHost: "desk.example.com",
    };
    for (const key of REPLY_KEYS) {
      const text = [
        replyAddress(mail, key),
        unsubscribeAddress(mail, key),
        replyReference(mail, key),
        unsubscribeUrl(mail, key),
      ].join(" ");
      expect(redactReplyKeys(text)).not.toContain(key);
    }
    expect(redactReplyKeys("order 0123456789abcdef0123456789abcdef shipped")).toContain("0123456789abcdef");
  });
});
