import { accessLevelFor, verifyPassword } from "@tidings/core";
import { ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "./admin.ts";

describe("admin CLI (G5)", () => {
  let db: TestDatabase;
  const run = (...argv: string[]) => db.dataSource.transaction((m) => runAdminCommand(m, argv));
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it("creates a user, a nested group, a project with Service Desk on, and a group membership that the project inherits", async () => {
    expect(
      await run("create-user", "--username", "alice", "--email", "alice@example.com", "--password", "s3cret-pass"),
    ).toBe("created user alice");
    await run("create-group", "--path", "acme");
    expect(await run("create-group", "--path", "support", "--parent", "acme")).toBe("created group acme/support");
    expect(await run("create-project", "--group", "acme/support", "--path", "desk", "--service-desk")).toMatch(
      /^created project acme\/support\/desk \(id \d+\)$/,
    );
    expect(await run("add-member", "--username", "alice", "--group", "acme", "--role", "maintainer")).toBe(
      "alice is maintainer of acme",
    );
    const alice = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: "alice" });
    expect(await verifyPassword(alice.passwordHash, "s3cret-pass")).toBe(true);
    const project = await db.dataSource.manager.findOneByOrFail(ProjectEntity, { fullPath: "acme/support/desk" });
    expect(project.serviceDeskEnabled).toBe(true);
    expect(project.fullPathSlug).toBe("acme-support-desk");
    expect(
      await accessLevelFor(db.dataSource.manager, { id: alice.id, username: "alice", admin: false }, project.id),
    ).toBe(40);
  });

  it("explains what is missing or wrong", async () => {
    await expect(run("create-user", "--username", "bob")).rejects.toThrow("create-user needs --email, --password.");
    await expect(
      run("add-member", "--username", "alice", "--project", "acme/support/desk", "--role", "boss"),
    ).rejects.toThrow("--role must be one of guest, reporter, developer, maintainer, owner.");
    await expect(run("create-project", "--group", "nope", "--path", "x")).rejects.toThrow("Group nope does not exist.");
    await expect(run("frobnicate")).rejects.toThrow(/^usage: npm run admin/);
  });
});
