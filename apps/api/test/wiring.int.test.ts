// The routes main.ts mounts, through the real server: mail webhook, attachment downloads, unsubscribe.
import { ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inbound } from "../../worker/src/inbound/index.ts";
import { startTestApi, type TestApi } from "./harness.ts";
import { startWorkerBeside } from "./worker-beside.ts";

const SECRET = "a-webhook-secret-of-some-length";

describe("the api's mounted routes", () => {
  let db: TestDatabase;
  let api: TestApi;
  let worker: Inbound;
  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db, { env: { MAIL_WEBHOOK_SECRET: SECRET, METRICS_TOKEN: "a-metrics-token-for-wiring" } });
    worker = await startWorkerBeside(db, api.config);
  });
  afterAll(async () => {
    await worker?.stop();
    await api.close();
    await db.drop();
  });

  it("turns a webhook POST of a raw email into a confidential Service Desk issue that a reporter sees", async () => {
    const project = await db.dataSource.manager.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
    const raw = [
      "From: Customer <customer@example.net>",
      `To: incoming+demo-app-${project.id}-issue-@tidings.localhost`,
      "Subject: Webhook wiring",
      "Message-ID: <wiring-1@example.net>",
      "",
      "Delivered by an MTA through the webhook.",
      "",
    ].join("\r\n");
    const post = (auth: string) =>
      fetch(`${api.url}/-/mail/incoming`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "message/rfc822" },
        body: raw,
      });
    expect((await post("Bearer wrong-secret-wrong-secret")).status).toBe(401);
    expect((await post(`Bearer ${SECRET}`)).status).toBe(202);
    expect((await post(`Bearer ${SECRET}`)).status).toBe(200); // the same message again: stored once
    const q = `{ project(fullPath: "demo/app") { issues(authorUsername: "support-bot") { nodes { title confidential externalAuthor } } } }`;
    await expect
      .poll(
        async () =>
          (
            await api.graphql<{ project: { issues: { nodes: unknown[] } } }>(
              q,
              {},
              { cookie: await api.signIn("reporter") },
            )
          ).data?.project.issues.nodes,
        { timeout: 10_000 },
      )
      .toEqual([{ title: "Webhook wiring", confidential: true, externalAuthor: "customer@example.net" }]);
  });

  it("exposes Prometheus metrics that reflect the mail that went through (G2)", async () => {
    const res = await fetch(`${api.url}/-/metrics`, {
      headers: { authorization: "Bearer a-metrics-token-for-wiring" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('tidings_inbound_emails{status="issue"} 1');
    expect(text).toContain("# TYPE tidings_outbound_backlog gauge");
    // No worker runs in this test: the thank-you email waits in the outbox.
    expect(text).toContain('tidings_outbound_emails{status="queued"} 1');
    expect(text).toMatch(/tidings_inbound_latency_seconds\{quantile="0.95"\} [\d.]+/);
  });

  it("answers unknown uploads and unsubscribe keys with 404", async () => {
    expect((await fetch(`${api.url}/uploads/nosuchsecret/file.txt`)).status).toBe(404);
    expect((await fetch(`${api.url}/-/unsubscribe/0123456789abcdef0123456789abcdef`)).status).toBe(404);
  });
});
