import { AccessLevel, type EntityManager, UserEntity, UserType } from "@tidings/db";
import { createGroup } from "../groups/create-group.ts";
import { addMember } from "../members/add-member.ts";
import { createProject } from "../projects/create-project.ts";
import { createUser } from "../users/create-user.ts";
import { ensureSupportBot } from "../users/support-bot.ts";

export const DEMO_USERS = ["admin", "owner", "maintainer", "developer", "reporter", "guest", "outsider"] as const;

const ROLES = {
  owner: AccessLevel.Owner,
  maintainer: AccessLevel.Maintainer,
  developer: AccessLevel.Developer,
  reporter: AccessLevel.Reporter,
  guest: AccessLevel.Guest,
} as const;

/**
 * The demo seed of contract.md. Idempotent and never applied over real data: it runs only when the
 * instance has no human user yet. Returns whether it seeded.
 */
export const seedDemo = async (db: EntityManager, input: { password: string }): Promise<boolean> => {
  await ensureSupportBot(db);
  // Serialise concurrent first starts (api and a second process) on an advisory lock.
  await db.query("SELECT pg_advisory_xact_lock(hashtext('tidings.seed'))");
  if (await db.existsBy(UserEntity, { userType: UserType.Human })) return false;
  for (const username of DEMO_USERS) {
    await createUser(db, {
      username,
      name: username[0].toUpperCase() + username.slice(1),
      email: `${username}@example.com`,
      password: input.password,
      admin: username === "admin",
    });
  }
  await createGroup(db, { path: "demo", name: "Demo", visibility: "private" });
  await createProject(db, {
    groupPath: "demo",
    path: "app",
    name: "App",
    visibility: "private",
    serviceDeskEnabled: true,
  });
  await createProject(db, {
    groupPath: "demo",
    path: "other",
    name: "Other",
    visibility: "private",
    serviceDeskEnabled: true,
  });
  for (const [username, accessLevel] of Object.entries(ROLES)) {
    await addMember(db, { username, accessLevel, projectPath: "demo/app" });
  }
  await addMember(db, { username: "owner", accessLevel: AccessLevel.Owner, projectPath: "demo/other" });
  await addMember(db, { username: "maintainer", accessLevel: AccessLevel.Maintainer, projectPath: "demo/other" });
  return true;
};
