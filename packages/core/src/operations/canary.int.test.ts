// Issue 13.4: a canary probe queued for the Service Desk address is recognised when it comes back (never an
// issue, even though it comes from our own address), its round trip recorded; an overdue probe alerts the
// admins once.
import { OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { alertOverdueCanaries, CANARY_HEADER, readCanary, sendCanary } from "./canary.ts";

describe("the canary (13.4)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("goes out to the Service Desk address, comes back as no issue with its round trip, and alerts once when overdue", async () => {
    const w = await createIngestWorld(db.dataSource);
    const queued = await db.dataSource.transaction((m) => sendCanary(m, w.settings.mail, w.project.fullPath));
    expect(queued.queued).toBe(true);
    const [probe] = await db.dataSource.getRepository(OutboundEmailEntity).findBy({ kind: "canary" });
    // The project's Service Desk address as customers see it (here the alias with its suffix).
    expect(probe.toAddress).toBe(`support+${w.project.fullPathSlug}-mykey@example.com`);
    const token = probe.headers[CANARY_HEADER];
    expect(token).toMatch(/^[0-9a-f]{32}$/);

    // As it arrives after the round trip: From our own address, auto-generated — still recognised.
    const raw = Buffer.from(
      [
        `From: Tidings canary <${w.settings.mail.emailFrom}>`,
        `To: ${probe.toAddress}`,
        `Subject: ${probe.subject}`,
        `Message-ID: <${probe.messageId}>`,
        `${CANARY_HEADER}: ${token}`,
        "Auto-Submitted: auto-generated",
        "",
        probe.textBody,
        "",
      ].join("\r\n"),
    );
    const { result } = await w.ingest(raw);
    expect(result).toMatchObject({ status: "ignored", projectId: w.project.id });
    expect(result?.reason).toMatch(/^Canary probe: came back [\d.]+ s after it was queued \(not an issue\)\.$/);
    expect(await db.dataSource.query("SELECT id FROM issues")).toEqual([]);
    const state = await readCanary(db.dataSource.manager, 15);
    expect(state.overdue).toBe(false);
    expect(state.lastRoundTripSeconds).not.toBeNull();

    // A forged header matches nothing and opens nothing.
    const forged = await w.ingest(
      Buffer.from(raw.toString().replace(token, "f".repeat(32)).replace(probe.messageId, "forged@x")),
    );
    expect(forged.result?.reason).toMatch(/matches no probe of ours/);

    // A probe that never comes back: after the delay the admins are emailed, once.
    await db.dataSource.query(
      `INSERT INTO users (username, name, email, admin) VALUES ('root', 'Root', 'root@desk.example', true)`,
    );
    await db.dataSource.query(
      `INSERT INTO mail_canaries (project_id, token, queued_at) VALUES ($1, 'lost', now() - interval '20 minutes')`,
      [w.project.id],
    );
    expect((await readCanary(db.dataSource.manager, 15)).overdue).toBe(true);
    expect(await db.dataSource.transaction((m) => alertOverdueCanaries(m, w.settings.mail, 15))).toBe(1);
    expect(await db.dataSource.transaction((m) => alertOverdueCanaries(m, w.settings.mail, 15))).toBe(0);
    const alerts = await db.dataSource.getRepository(OutboundEmailEntity).findBy({ kind: "admin_alert" });
    expect(alerts.map((a) => a.toAddress)).toEqual(["root@desk.example"]);
    expect(alerts[0].subject).toMatch(/canary probe is overdue/);
  });
});
