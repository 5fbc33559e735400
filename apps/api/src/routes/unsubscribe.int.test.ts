import type { AddressInfo } from "node:net";
import { loadConfig } from "@tidings/config";
import {
  createGroup,
  createIssue,
  createLogger,
  createProject,
  ensureSupportBot,
  mailSettingsFromConfig,
  queueThankYouEmail,
} from "@tidings/core";
import { type DataSource, EmailParticipantEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unsubscribeRouter } from "./unsubscribe.ts";

describe("unsubscribeRouter", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let base: string;
  let close: () => Promise<void>;
  const config = loadConfig({ PUBLIC_URL: "https://desk.example.com", LOG_LEVEL: "silent" });
  const mail = mailSettingsFromConfig(config);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    const app = express().use(unsubscribeRouter({ config, dataSource: ds, log: createLogger("silent") }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await db.drop();
  });

  let n = 0;
  /** A ticket from `email` with its thank-you queued; returns the reply key and ids. */
  const ticket = async (email: string) =>
    ds.transaction(async (m) => {
      n++;
      const bot = await ensureSupportBot(m);
      await createGroup(m, { path: `g${n}` });
      const project = await createProject(m, { groupPath: `g${n}`, path: "p", serviceDeskEnabled: true });
      const issue = await createIssue(m, {
        projectId: project.id,
        title: "Help",
        authorId: bot.id,
        externalAuthor: email,
      });
      const p = await m.save(m.create(EmailParticipantEntity, { issueId: issue.id, email }));
      await queueThankYouEmail(m, mail, { issueId: issue.id, participantId: p.id });
      const row = await m.findOneByOrFail(OutboundEmailEntity, { issueId: issue.id });
      return { key: row.replyKey!, issueId: issue.id, participantId: p.id };
    });

  const participant = (id: number) => ds.getRepository(EmailParticipantEntity).findOneByOrFail({ id });
  const systemNotes = (issueId: number) =>
    ds.getRepository(NoteEntity).find({ where: { issueId, system: true }, order: { id: "ASC" } });

  it("shows a confirmation page with a POST form on GET and changes nothing", async () => {
    const t = await ticket("jane@customer.test");
    const res = await fetch(`${base}/-/unsubscribe/${t.key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<h1>Unsubscribe from this ticket?</h1>");
    expect(html).toContain("jane@customer.test");
    expect(html).toContain(`<form method="post" action="/-/unsubscribe/${t.key}">`);
    expect(html).toContain('<button type="submit">Unsubscribe</button>');
    expect(html).not.toContain("<script");
    expect((await participant(t.participantId)).unsubscribedAt).toBeNull();
    expect(await systemNotes(t.issueId)).toEqual([]);
  });

  it("unsubscribes on the RFC 8058 one-click POST and records a system note, once", async () => {
    const t = await ticket("bob@customer.test");
    const post = () =>
      fetch(`${base}/-/unsubscribe/${t.key}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
    const res = await post();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You have been unsubscribed");
    expect((await participant(t.participantId)).unsubscribedAt).toBeInstanceOf(Date);
    expect((await systemNotes(t.issueId)).map((note) => note.body)).toEqual(["unsubscribed bob@customer.test"]);

    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("You were already unsubscribed");
    expect(await systemNotes(t.issueId)).toHaveLength(1);
    const page = await (await fetch(`${base}/-/unsubscribe/${t.key}`)).text();
    expect(page).toContain("You were already unsubscribed");
  });

  it("answers an unknown or malformed key with a 404 page, on GET and POST", async () => {
    for (const key of ["0123456789abcdef0123456789abcdef", "not a key", "x"]) {
      const get = await fetch(`${base}/-/unsubscribe/${encodeURIComponent(key)}`);
      expect(get.status).toBe(404);
      expect(await get.text()).toContain("This unsubscribe link is not valid");
      const post = await fetch(`${base}/-/unsubscribe/${encodeURIComponent(key)}`, { method: "POST" });
      expect(post.status).toBe(404);
    }
  });
});
