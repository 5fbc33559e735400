// Issue 13.2 through the api: a maintainer saves a custom address (validated, the password never returned),
// the verification email is queued, a private SMTP host is refused by default, enabling waits for a
// verification, and reset forgets it.
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND_OR_FORBIDDEN } from "../src/graphql/access.ts";
import { startTestApi, type TestApi } from "./harness.ts";

const CREATE = `mutation($input: ServiceDeskCustomEmailCreateInput!) { serviceDeskCustomEmailCreate(input: $input) {
  customEmail { customEmail enabled smtpHost smtpPort verificationState verificationError forwardTo } errors } }`;
const UPDATE = `mutation($input: ServiceDeskCustomEmailUpdateInput!) { serviceDeskCustomEmailUpdate(input: $input) { customEmail { enabled } errors } }`;
const DELETE = `mutation($input: ServiceDeskCustomEmailDeleteInput!) { serviceDeskCustomEmailDelete(input: $input) { errors } }`;
const READ = `query { project(fullPath: "demo/app") { serviceDeskCustomEmail { customEmail verificationState } } }`;
type Payload = { customEmail: Record<string, unknown> | null; errors: string[] };

describe("custom email address through the api (13.2)", () => {
  let db: TestDatabase;
  let api: TestApi;
  let strict: TestApi;
  const cookies: Record<string, string> = {};
  const input = {
    projectPath: "demo/app",
    customEmail: "support@acme.test",
    smtpHost: "127.0.0.1",
    smtpPort: 2587,
    smtpUsername: "support@acme.test",
    smtpPassword: "s3cret-relay-pw",
  };
  const call = async <T>(target: TestApi, viewer: string, query: string, variables: Record<string, unknown>) => {
    const res = await target.graphql<T>(query, variables, { cookie: cookies[viewer] });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as T;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db, { env: { CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS: "true" } });
    strict = await startTestApi(db, { seed: false });
    for (const v of ["maintainer", "reporter"]) cookies[v] = await api.signIn(v);
  });
  afterAll(async () => {
    await api?.close();
    await strict?.close();
    await db?.drop();
  });

  it("saves, queues the verification, never returns the password, and only enables once verified", async () => {
    const refused = await call<{ serviceDeskCustomEmailCreate: Payload }>(strict, "maintainer", CREATE, { input });
    expect(refused.serviceDeskCustomEmailCreate.errors).toEqual([
      expect.stringContaining("CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS=true"),
    ]);
    const invalid = await call<{ serviceDeskCustomEmailCreate: Payload }>(api, "maintainer", CREATE, {
      input: { ...input, customEmail: "support+x@acme.test", smtpPassword: "short" },
    });
    expect(invalid.serviceDeskCustomEmailCreate.errors).toEqual([
      "Custom email must be an address such as support@example.com, without '+'.",
      "SMTP password must be 8 to 128 characters.",
    ]);
    expect(await call(api, "reporter", CREATE, { input })).toEqual({
      serviceDeskCustomEmailCreate: { customEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] },
    });

    const saved = await call<{ serviceDeskCustomEmailCreate: Payload }>(api, "maintainer", CREATE, { input });
    expect(saved.serviceDeskCustomEmailCreate).toMatchObject({
      errors: [],
      customEmail: { customEmail: "support@acme.test", enabled: false, verificationState: "STARTED", smtpPort: 2587 },
    });
    expect(saved.serviceDeskCustomEmailCreate.customEmail?.forwardTo).toMatch(/^incoming\+demo-app-\d+-issue-@/);
    expect(JSON.stringify(saved)).not.toContain("s3cret");
    const [queued] = await db.dataSource.query(
      `SELECT kind, to_address, subject, text_body FROM outbound_emails WHERE kind = 'custom_email_verification'`,
    );
    expect(queued).toMatchObject({ to_address: "support+verify@acme.test" });
    expect(queued.text_body).toMatch(/Verification token: [A-Za-z0-9]{12}/);
    expect(JSON.stringify(queued)).not.toContain("s3cret");

    const again = await call<{ serviceDeskCustomEmailCreate: Payload }>(api, "maintainer", CREATE, { input });
    expect(again.serviceDeskCustomEmailCreate.errors).toEqual([
      "A custom email address is already set up. Reset it to enter another.",
    ]);
    const enable = await call<{ serviceDeskCustomEmailUpdate: Payload }>(api, "maintainer", UPDATE, {
      input: { projectPath: "demo/app", enabled: true },
    });
    expect(enable.serviceDeskCustomEmailUpdate.errors).toEqual([
      "Only a verified custom email address can be enabled.",
    ]);
    expect(await call(api, "reporter", READ, {})).toEqual({ project: { serviceDeskCustomEmail: null } });

    await call(api, "maintainer", DELETE, { input: { projectPath: "demo/app" } });
    expect(await call(api, "maintainer", READ, {})).toEqual({ project: { serviceDeskCustomEmail: null } });
  });
});
