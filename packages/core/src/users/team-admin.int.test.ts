// Issue 10.6 on real PostgreSQL: passwords (reset by an admin, changed by the user knowing the current one;
// either ends the user's sessions), personal access tokens (validated, scoped, revocable; read_api reads
// only), and project members (a Maintainer grants up to Maintainer, only an Owner touches Owners, a
// project keeps one Owner).
import {
  AccessLevel,
  type EntityManager,
  ProjectEntity,
  ProjectMemberEntity,
  SessionEntity,
  UserEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewerFromAccessToken } from "../auth/authenticate.ts";
import { revokePersonalAccessToken } from "../auth/revocation.ts";
import { signIn } from "../auth/sign-in.ts";
import { removeProjectMember, setProjectMember } from "../members/manage-members.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { changeOwnPassword, createToken, resetPassword } from "./manage-users.ts";

let db: TestDatabase;
let m: EntityManager;
beforeAll(async () => {
  db = await createTestDatabase();
  m = db.dataSource.manager;
  await db.dataSource.transaction((t) => seedDemo(t, { password: "demo-password-1" }));
});
afterAll(async () => db?.drop());

const user = (username: string) => m.findOneByOrFail(UserEntity, { username });
const signInAs = (login: string, password: string) =>
  db.dataSource.transaction((t) => signIn(t, { login, password, ip: "127.0.0.1", userAgent: "test" }));

describe("passwords", () => {
  it("an admin's reset ends the user's sessions and the new password signs in", async () => {
    await signInAs("developer", "demo-password-1");
    const dev = await user("developer");
    expect(await m.countBy(SessionEntity, { userId: dev.id })).toBeGreaterThan(0);
    await expect(
      db.dataSource.transaction((t) => resetPassword(t, { username: "developer", password: "short" })),
    ).rejects.toThrow("Password must be at least 8 characters.");
    await db.dataSource.transaction((t) => resetPassword(t, { username: "developer", password: "reset-password-2" }));
    expect(await m.countBy(SessionEntity, { userId: dev.id })).toBe(0);
    await expect(signInAs("developer", "reset-password-2")).resolves.toMatchObject({ user: { username: "developer" } });
  });

  it("a user changes their own only with the current password", async () => {
    const rep = await user("reporter");
    await expect(
      db.dataSource.transaction((t) =>
        changeOwnPassword(t, { userId: rep.id, currentPassword: "wrong", newPassword: "new-password-3" }),
      ),
    ).rejects.toThrow("The current password is wrong.");
    await db.dataSource.transaction((t) =>
      changeOwnPassword(t, { userId: rep.id, currentPassword: "demo-password-1", newPassword: "new-password-3" }),
    );
    await expect(signInAs("reporter", "new-password-3")).resolves.toMatchObject({ user: { username: "reporter" } });
  });
});

describe("personal access tokens", () => {
  it("are validated, carry their scope, and stop when revoked", async () => {
    const dev = await user("developer");
    await expect(
      db.dataSource.transaction((t) =>
        createToken(t, { userId: dev.id, name: " ", scopes: ["admin"], expiresAt: new Date(Date.now() - 1000) }),
      ),
    ).rejects.toThrow(
      "Name can't be blank. Unknown scope: admin. Scopes are api and read_api. The expiry date must be in the future.",
    );
    const api = await db.dataSource.transaction((t) =>
      createToken(t, { userId: dev.id, name: "ci", scopes: ["api"], expiresAt: null }),
    );
    const reader = await db.dataSource.transaction((t) =>
      createToken(t, { userId: dev.id, name: "dash", scopes: ["read_api"], expiresAt: null }),
    );
    expect(await viewerFromAccessToken(m, api.token)).toEqual({ id: dev.id, username: "developer", admin: false });
    expect(await viewerFromAccessToken(m, reader.token)).toMatchObject({ id: dev.id, readOnly: true });
    await db.dataSource.transaction((t) => revokePersonalAccessToken(t, { tokenId: api.id, userId: dev.id }));
    expect(await viewerFromAccessToken(m, api.token)).toBeNull();
  });
});

describe("project members", () => {
  it("a Maintainer adds and changes roles up to Maintainer; Owners only by an Owner; one Owner stays", async () => {
    const project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/other" });
    const asMaintainer = { projectId: project.id, actorLevel: AccessLevel.Maintainer, actorAdmin: false };
    await setProjectMember(m, { ...asMaintainer, username: "guest", role: "reporter" });
    const guest = await user("guest");
    expect(
      (await m.findOneByOrFail(ProjectMemberEntity, { projectId: project.id, userId: guest.id })).accessLevel,
    ).toBe(AccessLevel.Reporter);
    await expect(setProjectMember(m, { ...asMaintainer, username: "guest", role: "owner" })).rejects.toThrow(
      "Only an Owner can grant or change the Owner role.",
    );
    await expect(removeProjectMember(m, { ...asMaintainer, username: "owner" })).rejects.toThrow(
      "Only an Owner can remove an Owner.",
    );
    await expect(
      removeProjectMember(m, {
        projectId: project.id,
        username: "owner",
        actorLevel: AccessLevel.Owner,
        actorAdmin: false,
      }),
    ).rejects.toThrow("A project keeps at least one Owner.");
    await expect(setProjectMember(m, { ...asMaintainer, username: "nobody", role: "guest" })).rejects.toThrow(
      "There is no user nobody.",
    );
    await removeProjectMember(m, { ...asMaintainer, username: "guest" });
    expect(await m.countBy(ProjectMemberEntity, { projectId: project.id, userId: guest.id })).toBe(0);
  });
});
