import type { AddressInfo } from "node:net";
import { loadConfig } from "@tidings/config";
import { addMember, createLogger, createUser, mailSettingsFromConfig, signUploadUrl, type Viewer } from "@tidings/core";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { AttachmentEntity, type DataSource, IssueEntity, ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadsRouter } from "./uploads.ts";

// A 1×1 PNG and a tiny PDF, as real bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

const mime = (projectId: number) =>
  Buffer.from(
    [
      "From: Customer <customer@example.org>",
      `To: incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo`,
      "Subject: Screenshot attached",
      "Message-ID: <att-1@example.org>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See the screenshot.",
      "--b1",
      "Content-Type: image/png",
      "Content-Transfer-Encoding: base64",
      'Content-Disposition: attachment; filename="screen.png"',
      "",
      PNG.toString("base64"),
      "--b1",
      "Content-Type: application/pdf",
      "Content-Transfer-Encoding: base64",
      // RFC 2231 encoded file name: "Überweisung März.pdf"
      "Content-Disposition: attachment; filename*=UTF-8''%C3%9Cberweisung%20M%C3%A4rz.pdf",
      "",
      PDF.toString("base64"),
      "--b1--",
      "",
    ].join("\r\n"),
  );

describe("GET /uploads/:secret/:filename", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let base: string;
  let close: () => Promise<void>;
  let viewer: Viewer = null;
  let links: { url: string; filename: string }[] = [];
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    const world = await createIngestWorld(ds);
    const { result } = await world.ingest(mime(world.project.id));
    expect(result).toMatchObject({ status: "issue" });
    await ds.transaction(async (m) => {
      await createUser(m, { username: "reporter", email: "reporter@example.org" });
      await createUser(m, { username: "guest", email: "guest@example.org" });
      await addMember(m, { username: "reporter", projectPath: "email/test", accessLevel: 20 });
      await addMember(m, { username: "guest", projectPath: "email/test", accessLevel: 10 });
    });
    const issue = await ds.getRepository(IssueEntity).findOneByOrFail({ messageId: "att-1@example.org" });
    links = [...issue.description.matchAll(/\]\((\/uploads\/[0-9a-f]{32}\/[^)]+)\)/g)].map((m) => ({
      url: m[1],
      filename: decodeURIComponent(m[1].split("/").pop()!),
    }));
    config = loadConfig({ LOG_LEVEL: "silent", DATA_DIR: world.settings.dataDir });
    const app = express()
      .use((_req, res, next) => {
        res.locals.viewer = viewer;
        next();
      })
      .use(uploadsRouter({ config, dataSource: ds, log: createLogger("silent") }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await db.drop();
  });

  const as = async (username: string | null) => {
    if (!username) return null;
    const [u] = await ds.query(`SELECT id FROM users WHERE username = $1`, [username]);
    return { id: u.id as number, username, admin: false };
  };

  it("links the attachments from the description, images as ![…](…), the RFC 2231 name decoded", async () => {
    const issue = await ds.getRepository(IssueEntity).findOneByOrFail({ messageId: "att-1@example.org" });
    expect(issue.description).toMatch(
      /^See the screenshot\.\n\n!\[screen\.png\]\(\/uploads\/[0-9a-f]{32}\/screen\.png\)\n\n\[Überweisung März\.pdf\]\(/,
    );
    expect(links.map((l) => l.filename)).toEqual(["screen.png", "Überweisung März.pdf"]);
    const rows = await ds.getRepository(AttachmentEntity).find({ order: { id: "ASC" } });
    expect(rows.map((r) => [r.contentType, r.sizeBytes, r.issueId])).toEqual([
      ["image/png", PNG.length, issue.id],
      ["application/pdf", PDF.length, issue.id],
    ]);
  });

  it("serves an image inline and a PDF as a download to a Reporter, never sniffed", async () => {
    viewer = await as("reporter");
    const img = await fetch(base + links[0].url);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("x-content-type-options")).toBe("nosniff");
    expect(img.headers.get("content-disposition")).toMatch(/^inline/);
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
    const pdf = await fetch(base + links[1].url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-disposition")).toMatch(/^attachment; .*filename\*=UTF-8''%C3%9Cberweisung/);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it("is 404 for anonymous viewers, for a Guest on a confidential issue, and for a wrong name or secret", async () => {
    viewer = null;
    expect((await fetch(base + links[0].url)).status).toBe(404);
    viewer = await as("guest");
    expect((await fetch(base + links[0].url)).status).toBe(404);
    viewer = await as("reporter");
    expect((await fetch(`${base}${links[0].url.replace("screen.png", "other.png")}`)).status).toBe(404);
    expect((await fetch(`${base}/uploads/${"0".repeat(32)}/screen.png`)).status).toBe(404);
  });

  it("serves a customer email's signed link without login until it expires; a tampered one is refused", async () => {
    viewer = null;
    const publicUrl = "https://desk.example.com";
    const signing = mailSettingsFromConfig(config).uploadLinks!;
    const signed = (i: number, now = Date.now()) =>
      signUploadUrl(publicUrl + links[i].url, publicUrl, signing, now).slice(publicUrl.length);
    const valid = signed(1);
    expect(valid).toMatch(/\?expires=\d+&signature=[\w-]{43}$/);
    const pdf = await fetch(base + valid);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);

    const url = new URL(base + valid);
    const sig = url.searchParams.get("signature")!;
    const tampered = [
      // Another signature, a later expiry, the signature of another upload, no expiry at all.
      valid.replace(sig, `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`),
      valid.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 86_400}`),
      `${links[0].url}?${new URL(base + valid).searchParams}`,
      valid.replace(/expires=\d+&/, ""),
    ];
    for (const t of tampered) expect((await fetch(base + t)).status, t).toBe(404);

    const old = signed(1, Date.now() - signing.ttlMs - 60_000);
    const gone = await fetch(base + old);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/^This link has expired\./);
    // A signed-in reader still gets the file from an expired link.
    viewer = await as("reporter");
    expect((await fetch(base + old)).status).toBe(200);
  });

  it("serves a non-confidential issue's attachment to anyone who can read the public project", async () => {
    await ds.getRepository(IssueEntity).update({ messageId: "att-1@example.org" }, { confidential: false });
    await ds.getRepository(ProjectEntity).update({ path: "test" }, { visibility: "public" });
    viewer = null;
    expect((await fetch(base + links[0].url)).status).toBe(200);
  });
});
