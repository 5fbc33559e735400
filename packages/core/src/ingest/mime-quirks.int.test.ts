// Issue 12.4 on the ingest path (real PostgreSQL, stored uploads): a forward-as-attachment opens an issue
// whose description shows the attached message, with the inner photo and the .eml both stored.
import { AttachmentEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

describe("odd MIME on the ingest path (12.4)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("an Outlook forward-as-attachment becomes one issue with the courier's text, its photo and the .eml", async () => {
    const w = await createIngestWorld(db.dataSource);
    const raw = mailFixture("mime-forward-as-attachment.eml", {
      projectId: w.project.id,
      slug: w.project.fullPathSlug,
      host: "appmail.adventuretime.ooo",
    });
    const { result } = await w.ingest(raw);
    expect(result).toMatchObject({ status: "issue" });
    const issue = await db.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: result!.issueId! });
    expect(issue.description).toContain("**Attached message** “Delivery failed for order 88” from Courier Desk");
    expect(issue.description).toContain("We could not deliver order **88**: nobody was home.");
    const files = await db.dataSource.getRepository(AttachmentEntity).findBy({ issueId: issue.id });
    expect(files.map((f) => f.filename).sort()).toEqual(["Delivery failed for order 88.eml", "doorstep.png"]);
  });
});
