// C12: quarantined messages can be retried, released into a project, or deleted.
import { type DataSource, InboundEmailEntity, IssueEntity, ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { deleteInboundEmail } from "./delete-inbound-email.ts";
import { MAX_ATTEMPTS, processInboundEmail, routeSettingsOf } from "./process-inbound-email.ts";
import { receiveEmail } from "./receive-email.ts";
import { releaseInboundEmail } from "./release-inbound-email.ts";
import { retryInboundEmail } from "./retry-inbound-email.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
let ds: DataSource;
let world: Awaited<ReturnType<typeof createIngestWorld>>;
beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  world = await createIngestWorld(ds);
});
afterAll(async () => db.drop());

const row = (id: number) => ds.getRepository(InboundEmailEntity).findOneByOrFail({ id });

describe("quarantine use cases", () => {
  it("retry: a message rejected while Service Desk was off becomes an issue once it is on", async () => {
    await ds.getRepository(ProjectEntity).update({ id: world.project.id }, { serviceDeskEnabled: false });
    const { stored, result } = await world.ingest(
      mailFixture("new-ticket-gmail.eml", {
        projectId: world.project.id,
        slug: "email-test",
        host: "appmail.adventuretime.ooo",
      }),
    );
    expect(result?.status).toBe("rejected");
    await ds.getRepository(ProjectEntity).update({ id: world.project.id }, { serviceDeskEnabled: true });
    await ds.transaction((m) => retryInboundEmail(m, { id: stored.id }));
    expect(await row(stored.id)).toMatchObject({ status: "received", reason: null, attempts: 0 });
    expect(await processInboundEmail(ds, world.settings, stored.id)).toMatchObject({ status: "issue" });
    await expect(ds.transaction((m) => retryInboundEmail(m, { id: stored.id }))).rejects.toThrow(DomainError);
  });

  it("release: an auto-reply is put into the project as an issue on an admin's decision", async () => {
    const raw = mailFixture("vacation-auto-reply.eml", {
      slug: "email-test",
      projectId: world.project.id,
      host: "appmail.adventuretime.ooo",
    });
    const { stored, result } = await world.ingest(raw);
    expect(result?.status).toBe("ignored");
    const released = await ds.transaction((m) =>
      releaseInboundEmail(m, world.settings, { id: stored.id, projectId: world.project.id }),
    );
    expect(released.status).toBe("issue");
    expect(await row(stored.id)).toMatchObject({ status: "issue", issueId: released.issueId });
    expect(await ds.getRepository(IssueEntity).findOneByOrFail({ id: released.issueId! })).toMatchObject({
      projectId: world.project.id,
    });
  });

  it("delete: drops the raw bytes, keeps the row so a re-delivery stays recognised", async () => {
    const raw = Buffer.from(
      "From: x@example.org\r\nTo: nobody@example.org\r\nMessage-ID: <del@x>\r\nSubject: s\r\n\r\nb",
    );
    const { stored, result } = await world.ingest(raw);
    expect(result?.status).toBe("rejected");
    await ds.transaction((m) => deleteInboundEmail(m, { id: stored.id }));
    expect(await row(stored.id)).toMatchObject({ status: "deleted" });
    expect((await row(stored.id)).raw.length).toBe(0);
    const again = await world.ingest(raw);
    expect(again.stored).toMatchObject({ id: stored.id, duplicate: true });
  });

  it("quarantines a message that crashed the processor MAX_ATTEMPTS times as failed (poison message)", async () => {
    const raw = Buffer.from(
      `From: p@example.org\r\nTo: incoming+email-test-${world.project.id}-issue-@appmail.adventuretime.ooo\r\nMessage-ID: <poison@x>\r\nSubject: s\r\n\r\nb`,
    );
    const stored = await ds.transaction((m) =>
      receiveEmail(m, {
        raw,
        transport: "smtp",
        maxEmailBytes: world.settings.maxEmailBytes,
        route: routeSettingsOf(world.settings.mail),
      }),
    );
    // As if five processes had died while applying it (each claim is counted before the work).
    await ds.getRepository(InboundEmailEntity).update({ id: stored.id }, { attempts: MAX_ATTEMPTS });
    expect(await processInboundEmail(ds, world.settings, stored.id)).toMatchObject({ status: "failed" });
    expect(await row(stored.id)).toMatchObject({ status: "failed" });
    expect((await row(stored.id)).reason).toContain(`gave up after ${MAX_ATTEMPTS} attempts`);
    expect(await ds.getRepository(IssueEntity).countBy({ messageId: "poison@x" })).toBe(0);
  });
});
