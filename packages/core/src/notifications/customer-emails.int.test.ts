// Issue 12.5, what the customer receives, on the real ingest path (real PostgreSQL): the thank-you's
// %{ISSUE_DESCRIPTION}, a participant's note sent to the others, the disabled-desk rejection, and a
// released auto-reply.
import {
  type DataSource,
  EmailParticipantEntity,
  IssueEntity,
  OutboundEmailEntity,
  ProjectEntity,
  ServiceDeskSettingEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { releaseInboundEmail } from "../ingest/release-inbound-email.ts";
import { REJECTION } from "../ingest/rejection-texts.ts";
import { mailFixture } from "../ingest/testing/fixtures.ts";
import { createIngestWorld, ingestSettingsForTest } from "../ingest/testing/world.ts";
import { withQueuedBodies } from "./render-queued.ts";

const HOST = "appmail.adventuretime.ooo";
const TEMPLATE = "## Triage (internal)\n\n- [ ] Check the contract tier\n\n/label ~support";

let db: TestDatabase;
let ds: DataSource;
beforeEach(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
});
afterEach(async () => db.drop());

/** The queued emails of a kind, with the bodies they are sent with. */
const outbox = async (kind: string) =>
  (await ds.getRepository(OutboundEmailEntity).find({ where: { kind: kind as never }, order: { id: "ASC" } })).map(
    (row) => withQueuedBodies(ingestSettingsForTest().mail, row),
  );

const world = async (settings: Partial<ServiceDeskSettingEntity> = {}) => {
  const w = await createIngestWorld(ds, { settings });
  const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, host: HOST };
  return { ...w, send: (name: string) => w.ingest(mailFixture(name, vars)) };
};

describe("the thank-you's %{ISSUE_DESCRIPTION}", () => {
  it("is the customer's own text: no description template, no quick actions", async () => {
    const w = await world({
      issueTemplate: TEMPLATE,
      thankYouTemplate: "We got your request %{ISSUE_ID}:\n\n%{ISSUE_DESCRIPTION}\n\nUnsubscribe: %{UNSUBSCRIBE_URL}",
    });
    const { result } = await w.send("new-ticket-gmail.eml");
    expect(result).toMatchObject({ status: "issue" });
    const issue = await ds.getRepository(IssueEntity).findOneByOrFail({ id: result!.issueId! });
    // The issue itself keeps everything: the template and the neutralised commands.
    expect(issue.description).toContain("## Triage (internal)");
    expect(issue.description).toContain("`/label ~urgent`");
    // Issue 14.3: queued with what renders it (the template and its values); the outbox runner renders it.
    const [queued] = await ds.getRepository(OutboundEmailEntity).findBy({ kind: "thank_you" });
    expect(queued).toMatchObject({ textBody: null, htmlBody: null });
    expect(queued.render?.template).toBe(
      "We got your request %{ISSUE_ID}:\n\n%{ISSUE_DESCRIPTION}\n\nUnsubscribe: %{UNSUBSCRIBE_URL}",
    );
    const [thanks] = await outbox("thank_you");
    for (const part of [thanks.textBody, thanks.htmlBody!]) {
      expect(part).toContain("The printer is on fire!");
      expect(part).toContain("lp -d office report.pdf");
      expect(part).not.toMatch(/Triage|contract tier|\/label|\/assign|\/close/);
    }
  });
});

describe("a participant's note emailed to the others", () => {
  it("says who wrote it and carries their display name in From", async () => {
    const w = await world({ outgoingName: "Acme Support" });
    const { result } = await w.send("new-ticket-gmail.eml");
    const issueId = result!.issueId!;
    await ds.getRepository(EmailParticipantEntity).insert({ issueId, email: "bob@partner.example" });
    const [thanks] = await outbox("thank_you");
    const reply = Buffer.from(
      [
        'From: "Ada Lovelace" <ada@customer.example>',
        `To: incoming+${thanks.replyKey}@${HOST}`,
        "Subject: Re: The office printer is on fire",
        "Message-ID: <ada-reply-1@customer.example>",
        `In-Reply-To: <${thanks.messageId}>`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        "It is out now, thanks.",
        "",
      ].join("\r\n"),
    );
    expect((await w.ingest(reply)).result).toMatchObject({ status: "note" });
    const notes = await outbox("new_note");
    expect(notes.map((n) => n.toAddress)).toEqual(["bob@partner.example"]);
    const [toBob] = notes;
    expect(toBob.fromName).toBe("Ada Lovelace via Acme Support");
    expect(toBob.textBody).toMatch(/^Ada Lovelace wrote:\n\nIt is out now, thanks\.\n/);
    expect(toBob.htmlBody).toContain("Ada Lovelace wrote:</p>");
  });

  it("names an author without a display name by the obfuscated address", async () => {
    const w = await world();
    const { result } = await w.send("new-ticket-gmail.eml");
    await ds.getRepository(EmailParticipantEntity).insert({ issueId: result!.issueId!, email: "bob@partner.example" });
    const [thanks] = await outbox("thank_you");
    const reply = Buffer.from(
      [
        "From: ada@customer.example",
        `To: incoming+${thanks.replyKey}@${HOST}`,
        "Subject: Re: fire",
        "Message-ID: <ada-reply-2@customer.example>",
        "",
        "Out.",
        "",
      ].join("\r\n"),
    );
    await w.ingest(reply);
    const [toBob] = await outbox("new_note");
    expect(toBob.fromName).toBe("ad*****@c*****.e** via Support Bot");
    expect(toBob.textBody).toMatch(/^ad\*\*\*\*\*@c\*\*\*\*\*\.e\*\* wrote:\n\nOut\.\n/);
  });
});

describe("the disabled-desk rejection", () => {
  it("is GitLab's ProjectNotFound text without the typo hint", async () => {
    const w = await world();
    await ds.getRepository(ProjectEntity).update({ id: w.project.id }, { serviceDeskEnabled: false });
    const { result } = await w.send("new-ticket-gmail.eml");
    expect(result).toMatchObject({ status: "rejected" });
    const [rej] = await outbox("rejection");
    expect(REJECTION.serviceDeskDisabled).toBe("We couldn't find the project.");
    expect(REJECTION.projectNotFound.startsWith(REJECTION.serviceDeskDisabled)).toBe(true);
    expect(rej.textBody).toContain(REJECTION.serviceDeskDisabled);
    expect(rej.textBody).not.toMatch(/typo/i);
    // Like every outbound email, it has an HTML part too.
    expect(rej.htmlBody).toContain("We couldn&#39;t find the project.</p>");
  });
});

describe("releasing an auto-reply from the quarantine", () => {
  it("opens the issue with its sender as participant and sends no thank-you", async () => {
    const w = await world();
    const { stored, result } = await w.send("vacation-auto-reply.eml");
    expect(result).toMatchObject({ status: "ignored" });
    const released = await ds.transaction((m) =>
      releaseInboundEmail(m, w.settings, { id: stored.id, projectId: w.project.id }),
    );
    expect(released.status).toBe("issue");
    const participants = await ds.getRepository(EmailParticipantEntity).findBy({ issueId: released.issueId! });
    expect(participants.map((p) => p.email)).toEqual(["ada@customer.example"]);
    expect(await outbox("thank_you")).toEqual([]);
  });

  it("still thanks a person's message released from the quarantine (rejected while the desk was off)", async () => {
    const w = await world();
    await ds.getRepository(ProjectEntity).update({ id: w.project.id }, { serviceDeskEnabled: false });
    const { stored } = await w.send("new-ticket-gmail.eml");
    await ds.getRepository(ProjectEntity).update({ id: w.project.id }, { serviceDeskEnabled: true });
    await ds.transaction((m) => releaseInboundEmail(m, w.settings, { id: stored.id, projectId: w.project.id }));
    expect((await outbox("thank_you")).map((o) => o.toAddress)).toEqual(["ada@customer.example"]);
  });
});
