// Every fixture of GitLab's corpus (../shared/corpus/gitlab) against its EXPECTED.md outcome, end to end:
// stored raw, routed, classified, applied in one transaction, outcome recorded on the inbound row.
import {
  AttachmentEntity,
  type DataSource,
  EmailParticipantEntity,
  InboundEmailEntity,
  IssueEntity,
  NoteEntity,
  OutboundEmailEntity,
  ProjectEntity,
  SentNotificationEntity,
  ServiceDeskSettingEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digest } from "../../auth/secrets.ts";
import { createGroup } from "../../groups/create-group.ts";
import { createProject } from "../../projects/create-project.ts";
import { REJECTION } from "../rejection-texts.ts";
import { corpusFiles, gitlabFixture } from "./corpus.ts";
import { createIngestWorld, type WorldOptions } from "../testing/world.ts";

const KEY = "59d8df8370b7e95c5a49fbf86aeb2c93";
const JAKE_MESSAGE_ID = "CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com";

let db: TestDatabase;
let ds: DataSource;
beforeEach(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
});
afterEach(async () => db.drop());

const world = async (opts: WorldOptions = {}) => {
  const w = await createIngestWorld(ds, opts);
  const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, key: "mykey" };
  return {
    ...w,
    fixture: (name: string) => gitlabFixture(name, vars),
    send: (name: string) => w.ingest(gitlabFixture(name, vars)),
  };
};
const issues = () => ds.getRepository(IssueEntity).find({ order: { id: "ASC" } });
const notes = () => ds.getRepository(NoteEntity).find({ order: { id: "ASC" } });
const outbox = (kind?: string) =>
  ds.getRepository(OutboundEmailEntity).find({ where: kind ? { kind: kind as never } : {}, order: { id: "ASC" } });
const participants = async (issueId: number) =>
  (await ds.getRepository(EmailParticipantEntity).find({ where: { issueId }, order: { id: "ASC" } })).map(
    (p) => p.email,
  );

const SD_DESCRIPTION = "Service desk stuff!\n\n```\na = b\n```\n\n`/label ~label1`\n`/assign @user1`\n`/close`";

describe("GitLab corpus: Service Desk new tickets", () => {
  it("service_desk.eml: one confidential issue by Support Bot, quick actions neutralised, thank-you queued", async () => {
    const w = await world();
    const { result } = await w.send("service_desk.eml");
    expect(result).toMatchObject({ status: "issue", projectId: w.project.id });
    const [issue] = await issues();
    expect(issue).toMatchObject({
      title: "The message subject! @all",
      description: SD_DESCRIPTION,
      confidential: true,
      state: "opened",
      externalAuthor: "jake@adventuretime.ooo",
      messageId: JAKE_MESSAGE_ID,
    });
    expect(await participants(issue.id)).toEqual(["jake@adventuretime.ooo"]);
    const thanks = await outbox("thank_you");
    expect(thanks.map((o) => o.toAddress)).toEqual(["jake@adventuretime.ooo"]);
    expect(await outbox("new_participant")).toHaveLength(0);
    const row = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id: result!.id });
    expect(row).toMatchObject({ status: "issue", issueId: issue.id, subject: "The message subject! @all" });
  });

  it("service_desk.eml with add_external_participants_from_cc: 3 participants and 2 new_participant emails", async () => {
    const w = await world({ settings: { addExternalParticipantsFromCc: true } });
    await w.send("service_desk.eml");
    const [issue] = await issues();
    expect(await participants(issue.id)).toEqual(["jake@adventuretime.ooo", "cc@example.com", "kk@example.org"]);
    expect((await outbox("new_participant")).map((o) => o.toAddress)).toEqual(["cc@example.com", "kk@example.org"]);
    expect(await outbox("thank_you")).toHaveLength(1);
  });

  // Deliberate deviation (issue 12.5): GitLab appends after "  \n", which can turn the customer's last line
  // into a heading; Tidings appends after a blank line.
  it("service_desk.eml with a description template: appended after a blank line (not GitLab's two spaces)", async () => {
    const w = await world({ settings: { issueTemplate: "text from template" } });
    await w.send("service_desk.eml");
    expect((await issues())[0].description).toBe(`${SD_DESCRIPTION}\n\ntext from template`);
  });

  it("service_desk.eml is not confidential when the setting is off in a private project, but is in a public one", async () => {
    const w = await world({ settings: { ticketsConfidentialByDefault: false } });
    await w.send("service_desk.eml");
    expect((await issues())[0].confidential).toBe(false);
    await ds.getRepository(ProjectEntity).update({ id: w.project.id }, { visibility: "public" });
    await w.send("service_desk_forwarded.eml");
    expect((await issues())[1].confidential).toBe(true);
  });

  it("service_desk.eml twice: one issue (the second delivery is the same row)", async () => {
    const w = await world();
    const first = await w.send("service_desk.eml");
    const second = await w.send("service_desk.eml");
    expect(second.stored).toMatchObject({ id: first.stored.id, duplicate: true });
    expect(second.result).toBeNull();
    expect(await issues()).toHaveLength(1);
  });

  it("the rate limit is per sender: limit 1 rejects jake's second new issue but not jake.g's", async () => {
    const w = await world({ ingest: { issuesPerSenderPerHour: 1 } });
    await w.send("service_desk.eml");
    const again = Buffer.from(
      w.fixture("service_desk.eml").toString("latin1").replace("otppgzduJSg@", "second@"),
      "latin1",
    );
    const { result } = await w.ingest(again);
    expect(result).toMatchObject({ status: "rejected" });
    expect(result!.reason).toContain(REJECTION.rateLimited);
    expect((await w.send("service_desk_forwarded.eml")).result).toMatchObject({ status: "issue" });
    expect(await issues()).toHaveLength(2);
    expect(await outbox("rejection")).toHaveLength(0);
  });

  // Deliberate deviation (issue 12.5): GitLab's ProjectNotFound text without "Please check if there's any
  // typo." — the sender typed the address of a project that exists.
  it("Service Desk disabled: rejected with ProjectNotFound's first sentence, a rejection email, no issue", async () => {
    const w = await world();
    await ds.getRepository(ProjectEntity).update({ id: w.project.id }, { serviceDeskEnabled: false });
    const { result } = await w.send("service_desk.eml");
    expect(result).toMatchObject({ status: "rejected" });
    expect(REJECTION.serviceDeskDisabled).toBe("We couldn't find the project.");
    expect(result!.reason).toContain(REJECTION.serviceDeskDisabled);
    expect(result!.reason).not.toContain("typo");
    expect(await issues()).toHaveLength(0);
    const [rej] = await outbox("rejection");
    expect(rej).toMatchObject({ toAddress: "jake@adventuretime.ooo", subject: "[Rejected] The message subject! @all" });
    expect(rej.textBody).toContain(REJECTION.serviceDeskDisabled);
    expect(rej.textBody).not.toContain("typo");
    expect(rej.inReplyTo).toBe(JAKE_MESSAGE_ID);
  });

  it("no From, Reply-To or Sender: the issue is still created, no participant, no email", async () => {
    const w = await world();
    const raw = Buffer.from(
      w
        .fixture("service_desk.eml")
        .toString("latin1")
        .replace(/^From: .*\n/m, ""),
      "latin1",
    );
    expect((await w.ingest(raw)).result).toMatchObject({ status: "issue" });
    const [issue] = await issues();
    expect(issue.externalAuthor).toBeNull();
    expect(await participants(issue.id)).toEqual([]);
    expect(await outbox()).toHaveLength(0);
  });

  it("service_desk_all_quoted.eml: quote-only bodies are accepted for new tickets", async () => {
    const w = await world();
    expect((await w.send("service_desk_all_quoted.eml")).result).toMatchObject({ status: "issue" });
    expect((await issues())[0].description).toContain("> This is an empty quote");
  });

  it("service_desk_encoding.eml: ISO-8859-2 subject and body decoded, text/plain preferred", async () => {
    const w = await world();
    await w.send("service_desk_encoding.eml");
    expect((await issues())[0]).toMatchObject({
      title: "Testing encoding iso-8859-2 ťžščľžťťč",
      description: "Body of encoding iso-8859-2 test: ťžščľžťťč",
    });
  });

  it("service_desk_legacy.eml: incoming+email/test@ finds the project by full path", async () => {
    const w = await world();
    expect((await w.send("service_desk_legacy.eml")).result).toMatchObject({
      status: "issue",
      projectId: w.project.id,
    });
    expect(await participants((await issues())[0].id)).toEqual(["jake@adventuretime.ooo"]);
  });

  it("service_desk_forwarded.eml: the key from the first Delivered-To", async () => {
    const w = await world();
    await w.send("service_desk_forwarded.eml");
    expect((await issues())[0]).toMatchObject({
      externalAuthor: "jake.g@adventuretime.ooo",
      messageId: "CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=fdskbsf@mail.gmail.com",
    });
  });

  it("service_desk_forwarded_new_issue.eml: the forwarded block is kept verbatim", async () => {
    const w = await world();
    await w.send("service_desk_forwarded_new_issue.eml");
    expect((await issues())[0].description).toBe(
      "Service desk stuff!\n\n---------- Forwarded message ---------\nFrom: Jake the Dog <jake@adventuretime.ooo>\nTo: <jake@adventuretime.ooo>\n\n\nforwarded content",
    );
  });

  it.each([
    ["service_desk_sender_and_from.eml", "finn@adventuretime.ooo"],
    ["service_desk_reply_to_and_from.eml", "marceline@adventuretime.ooo"],
    ["service_desk_reply_to_sender_and_from.eml", "hooman@adventuretime.ooo"],
  ])("%s: the requester is %s (Reply-To > From > Sender) and gets the thank-you", async (file, requester) => {
    const w = await world();
    await w.send(file);
    expect((await issues())[0].externalAuthor).toBe(requester);
    expect((await outbox("thank_you")).map((o) => o.toAddress)).toEqual([requester]);
  });
});

describe("GitLab corpus: alias mailbox and project key", () => {
  it.each([
    "service_desk_custom_address.eml",
    "service_desk_custom_address_no_key.eml",
    "service_desk_custom_address_reply.eml",
    "service_desk_custom_address_envelope_to.eml",
    "service_desk_custom_address_x_envelope_to.eml",
  ])("%s: a new issue in email/test", async (file) => {
    const w = await world();
    expect((await w.send(file)).result).toMatchObject({ status: "issue", projectId: w.project.id });
  });

  it("service_desk_custom_address.eml: an unknown key or a wrong slug is ProjectNotFound", async () => {
    const w = await world();
    for (const vars of [
      { slug: w.project.fullPathSlug, key: "some_key" },
      { slug: "some-slug", key: "mykey" },
    ]) {
      const { result } = await w.ingest(gitlabFixture("service_desk_custom_address.eml", vars));
      expect(result).toMatchObject({ status: "rejected" });
      expect(result!.reason).toContain(REJECTION.projectNotFound);
    }
    expect(await issues()).toHaveLength(0);
  });

  it("service_desk_custom_address.eml: of two projects with key mykey, the one whose slug matches wins", async () => {
    const w = await world();
    const other = await ds.transaction(async (m) => {
      await createGroup(m, { path: "other" });
      const p = await createProject(m, { groupPath: "other", path: "proj", serviceDeskEnabled: true });
      await m.update(
        ServiceDeskSettingEntity,
        { projectId: p.id },
        { projectKey: "mykey", projectKeyAddressSlug: "other-proj-mykey" },
      );
      return p;
    });
    expect(other.id).not.toBe(w.project.id);
    expect((await w.send("service_desk_custom_address.eml")).result).toMatchObject({ projectId: w.project.id });
  });

  it("service_desk_reference_headers.eml: UnknownIncomingEmail, with the rejection email", async () => {
    const w = await world();
    const { result } = await w.send("service_desk_reference_headers.eml");
    expect(result).toMatchObject({ status: "rejected" });
    expect(result!.reason).toContain(REJECTION.unknownIncomingEmail);
    expect((await outbox("rejection"))[0].toAddress).toBe("jake@example.com");
  });

  it("service_desk_custom_email_address_verification.eml: never creates an issue", async () => {
    const w = await world();
    expect((await w.send("service_desk_custom_email_address_verification.eml")).result).toMatchObject({
      status: "ignored",
    });
    expect(await issues()).toHaveLength(0);
    expect(await outbox()).toHaveLength(0);
  });
});

describe("GitLab corpus: replies to the original email", () => {
  // Deliberately stricter than GitLab (issue 9.3): GitLab adds alan, who is not in the thread, as a
  // participant because his mail names jake's Message-ID — which anyone who saw the chain knows. Tidings
  // keeps his mail as an internal note, marked, and adds nobody.
  it("service_desk_reply.eml after service_desk.eml: a note, no new issue, no second thank-you; alan, a new address, does not join", async () => {
    const w = await world();
    await w.send("service_desk.eml");
    const { result } = await w.send("service_desk_reply.eml");
    const [issue] = await issues();
    expect(result).toMatchObject({ status: "note", issueId: issue.id });
    expect(await issues()).toHaveLength(1);
    const [note] = await notes();
    expect(note).toMatchObject({ externalAuthor: "alan@adventuretime.ooo", internal: true });
    expect(note.body).toMatch(/^> \*\*From a new address:\*\* `alan@adventuretime\.ooo`/);
    expect(note.body.endsWith("Service desk reply!\n\n`/label ~label2`")).toBe(true);
    expect(await outbox("thank_you")).toHaveLength(1);
    expect(await participants(issue.id)).toEqual(["jake@adventuretime.ooo"]);
  });

  it("a reply to the original email with an attachment: linked to the note and attached to the new-note email", async () => {
    const w = await world();
    await w.send("service_desk.eml");
    // alan is a participant (a responder added him), so his reply is public and emailed to jake.
    const [issue] = await issues();
    await ds.getRepository(EmailParticipantEntity).save({ issueId: issue.id, email: "alan@adventuretime.ooo" });
    const reply = Buffer.from(
      [
        "From: Alan <alan@adventuretime.ooo>",
        `To: incoming+email-test-${w.project.id}-issue-@appmail.adventuretime.ooo`,
        `In-Reply-To: <${JAKE_MESSAGE_ID}>`,
        "Message-ID: <alan-attachment@x>",
        "Subject: Re: The message subject! @all",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Log attached.",
        "--b",
        "Content-Type: text/plain; name=log.txt",
        "Content-Disposition: attachment; filename=log.txt",
        "",
        "line 1",
        "--b--",
        "",
      ].join("\r\n"),
    );
    expect((await w.ingest(reply)).result).toMatchObject({ status: "note" });
    const [note] = await notes();
    expect(note.body).toMatch(/^Log attached\.\n\n\[log\.txt\]\(\/uploads\/[0-9a-f]{32}\/log\.txt\)$/);
    const [att] = await ds.getRepository(AttachmentEntity).find();
    expect(att).toMatchObject({ noteId: note.id, filename: "log.txt" });
    const [toJake] = await outbox("new_note");
    expect(toJake.toAddress).toBe("jake@adventuretime.ooo");
    expect(toJake.attachments.map((a) => a.filename)).toEqual(["log.txt"]);
  });

  it("service_desk_reply.eml alone: a new issue with that description and a thank-you", async () => {
    const w = await world();
    expect((await w.send("service_desk_reply.eml")).result).toMatchObject({ status: "issue" });
    expect((await issues())[0].description).toBe("Service desk reply!\n\n`/label ~label2`");
    expect((await outbox("thank_you")).map((o) => o.toAddress)).toEqual(["alan@adventuretime.ooo"]);
  });

  it("service_desk_reply_illegal_utf8.eml (Shift_JIS) after service_desk.eml: a note in valid UTF-8", async () => {
    const w = await world();
    await w.send("service_desk.eml");
    const { result } = await w.send("service_desk_reply_illegal_utf8.eml");
    expect(result).toMatchObject({ status: "note" });
    const [note] = await notes();
    expect(note.body).not.toContain("\uFFFD");
    expect(note.body).toContain("(encoded with `Shift_JIS` not UTF-8");
    expect(note.body).toMatch(/[\u30a0-\u30ff]/); // katakana decoded from the Shift_JIS bytes
    expect(Buffer.from(note.body, "utf8").toString("utf8")).toBe(note.body);
  });
});

describe("GitLab corpus: replies through reply keys", () => {
  const replyWorld = async () => {
    const w = await world({
      incomingEmailAddress: "reply+%{key}@appmail.adventuretime.ooo",
      serviceDeskEmailAddress: null,
    });
    await w.send("service_desk.eml"); // To incoming+… does not match reply+%{key}: rejected, no issue
    const issue = await ds.transaction(async (m) => {
      const { createIssue } = await import("../../issues/create-issue.ts");
      const { ensureSupportBot } = await import("../../users/support-bot.ts");
      const bot = await ensureSupportBot(m);
      const i = await createIssue(m, {
        projectId: w.project.id,
        title: "Adventure Time Sux",
        authorId: bot.id,
        externalAuthor: "jake@adventuretime.ooo",
        confidential: true,
      });
      const p = await m.save(m.create(EmailParticipantEntity, { issueId: i.id, email: "jake@adventuretime.ooo" }));
      await m.save(
        m.create(SentNotificationEntity, {
          replyKeyDigest: digest(KEY),
          projectId: w.project.id,
          issueId: i.id,
          participantId: p.id,
          recipientEmail: p.email,
        }),
      );
      return i;
    });
    await ds.getRepository(OutboundEmailEntity).clear();
    return { ...w, issue };
  };

  it.each([
    "valid_reply.eml",
    "valid_reply_with_references_in_comma.eml",
    "reply_without_subaddressing_and_key_inside_references.eml",
    "reply_without_subaddressing_and_key_inside_references_with_a_comma.eml",
    "key_in_headers_reply.eml",
  ])("%s: a note by Support Bot showing the sender, the quote kept in <details>", async (file) => {
    const w = await replyWorld();
    expect((await w.send(file)).result).toMatchObject({ status: "note", issueId: w.issue.id });
    const [note] = await notes();
    expect(note.body).toMatch(/^I could not disagree more\./);
    expect(note.body).toContain("<details><summary>...</summary>");
    expect(note.externalAuthor).toBe(
      file === "valid_reply_with_references_in_comma.eml" ? "jake@example.com" : "jake@adventuretime.ooo",
    );
  });

  it("valid_reply_with_quick_actions.eml: quick actions become code spans; the issue stays open and keeps its title", async () => {
    const w = await replyWorld();
    await w.send("valid_reply_with_quick_actions.eml");
    expect((await notes())[0].body).toContain("Jake out\n\n`/close`\n`/title test`");
    expect((await issues()).find((i) => i.id === w.issue.id)).toMatchObject({
      state: "opened",
      title: "Adventure Time Sux",
    });
  });

  it("commands_in_reply.eml: note with the trimmed quote in <details>, external author jake", async () => {
    const w = await replyWorld();
    await w.send("commands_in_reply.eml");
    const [note] = await notes();
    expect(note.body).toMatch(/^Cool!\n\n`\/close`\n`\/todo`\n\n<details><summary>\.\.\.<\/summary>/);
    expect(note.externalAuthor).toBe("jake@adventuretime.ooo");
  });

  it("commands_only_reply.eml: no note", async () => {
    const w = await replyWorld();
    expect((await w.send("commands_only_reply.eml")).result).toMatchObject({ status: "ignored" });
    expect(await notes()).toHaveLength(0);
  });

  it("no_content_with_quote.eml: EmptyEmailError, rejected with GitLab's text", async () => {
    const w = await replyWorld();
    const { result } = await w.send("no_content_with_quote.eml");
    expect(result).toMatchObject({ status: "rejected" });
    expect(result!.reason).toContain(REJECTION.emptyEmail);
    expect(await notes()).toHaveLength(0);
    expect((await outbox("rejection"))[0].textBody).toContain(REJECTION.emptyEmail);
  });

  it("valid_reply.eml without a sent notification: SentNotificationNotFound", async () => {
    await world({ incomingEmailAddress: "reply+%{key}@appmail.adventuretime.ooo", serviceDeskEmailAddress: null });
    const { result } = await createIngestWorldless("valid_reply.eml");
    expect(result!.reason).toContain(REJECTION.sentNotificationNotFound);
  });

  it("a reply to a closed issue reopens it with GitLab's internal note when the setting is on", async () => {
    const w = await replyWorld();
    await ds
      .getRepository(ServiceDeskSettingEntity)
      .update({ projectId: w.project.id }, { reopenIssueOnExternalParticipantNote: true });
    await ds.getRepository(IssueEntity).update({ id: w.issue.id }, { state: "closed", closedAt: new Date() });
    await w.send("valid_reply.eml");
    expect((await ds.getRepository(IssueEntity).findOneByOrFail({ id: w.issue.id })).state).toBe("opened");
    const internal = (await notes()).filter((n) => n.internal);
    expect(internal.map((n) => n.body)).toEqual([
      ":wave: This issue has been reopened because it received a new comment from an external participant.",
    ]);
  });

  it("incoming+<key>-unsubscribe@: the participant is unsubscribed with a system note", async () => {
    const w = await replyWorld();
    const raw = Buffer.from(
      `From: jake@adventuretime.ooo\r\nTo: reply+${KEY}-unsubscribe@appmail.adventuretime.ooo\r\nMessage-ID: <u1@x>\r\nSubject: unsubscribe\r\n\r\n`,
    );
    expect((await w.ingest(raw)).result).toMatchObject({ status: "unsubscribed", issueId: w.issue.id });
    const p = await ds.getRepository(EmailParticipantEntity).findOneByOrFail({ issueId: w.issue.id });
    expect(p.unsubscribedAt).not.toBeNull();
    expect((await notes()).map((n) => [n.system, n.body])).toEqual([[true, "unsubscribed jake@adventuretime.ooo"]]);
  });
});

/** Sends a fixture in a world that already exists in this database (no project setup). */
const createIngestWorldless = async (file: string) => {
  const { processInboundEmail, routeSettingsOf } = await import("../process-inbound-email.ts");
  const { receiveEmail } = await import("../receive-email.ts");
  const { ingestSettingsForTest } = await import("../testing/world.ts");
  const settings = ingestSettingsForTest({
    incomingEmailAddress: "reply+%{key}@appmail.adventuretime.ooo",
    serviceDeskEmailAddress: null,
  });
  const stored = await ds.transaction((m) =>
    receiveEmail(m, {
      raw: gitlabFixture(file),
      transport: "webhook",
      maxEmailBytes: settings.maxEmailBytes,
      route: routeSettingsOf(settings.mail),
    }),
  );
  return { result: await processInboundEmail(ds, settings, stored.id) };
};

describe("GitLab corpus: receiver and ignored mail", () => {
  it.each([
    "forwarded_new_issue.eml",
    "envelope_to_header.eml",
    "envelope_to_header_with_angle_brackets.eml",
    "x_envelope_to_header.eml",
    "missing_delivered_to_header.eml",
    "valid_new_issue_with_quote.eml",
    "valid_new_issue_with_only_quotes.eml",
  ])("%s: user issue-by-email keys are not Service Desk: UnknownIncomingEmail", async (file) => {
    const w = await world({ incomingEmailAddress: "incoming+%{key}@appmail.example.com" });
    const { result } = await w.send(file);
    expect(result).toMatchObject({ status: "rejected" });
    expect(result!.reason).toContain(REJECTION.unknownIncomingEmail);
  });

  it("auto_reply.eml: ignored before routing, no rejection email", async () => {
    const w = await world();
    const { result } = await w.send("auto_reply.eml");
    expect(result).toMatchObject({ status: "ignored" });
    expect(result!.reason).toMatch(/X-Autoreply/);
    expect(await outbox()).toHaveLength(0);
  });

  it.each(["html_only.eml", "html_table_and_blockquote.eml", "on_wrote.eml", "outlook_html.eml"])(
    "%s: addressed to nobody we know; rejected, never a crash",
    async (file) => {
      const w = await world();
      expect((await w.send(file)).result?.status).toBe("rejected");
    },
  );

  it("covers every fixture of the corpus in this file or in gitlab-corpus-units.conformance.test.ts", async () => {
    const { readFileSync } = await import("node:fs");
    const { fileURLToPath } = await import("node:url");
    const here =
      readFileSync(fileURLToPath(import.meta.url), "utf8") +
      readFileSync(fileURLToPath(new URL("./gitlab-corpus-units.conformance.test.ts", import.meta.url)), "utf8");
    expect(corpusFiles().filter((f) => !here.includes(`"${f}"`))).toEqual([]);
  });
});
