// Issue 14.5: the batched effective role (one query for every subscriber of a live event) is the one rule
// `accessLevelFor` applies to a single viewer — direct project membership, the project's group and every
// ancestor group, the highest wins — on a real PostgreSQL.
import { AccessLevel, type ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createGroup } from "../groups/create-group.ts";
import { addMember } from "../members/add-member.ts";
import { createProject } from "../projects/create-project.ts";
import { createUser } from "../users/create-user.ts";
import { accessLevelFor, accessLevelsFor } from "./abilities.ts";

let db: TestDatabase;
let project: ProjectEntity;
const ids: Record<string, number> = {};
const NAMES = ["direct", "group", "ancestor", "both", "lower-direct", "outsider", "sibling"];

beforeAll(async () => {
  db = await createTestDatabase();
  project = await db.dataSource.transaction(async (m) => {
    for (const username of NAMES) {
      ids[username] = (await createUser(m, { username, email: `${username}@example.com` })).id;
    }
    await createGroup(m, { path: "top" });
    await createGroup(m, { path: "mid", parentPath: "top" });
    await createGroup(m, { path: "other" });
    const p = await createProject(m, { groupPath: "top/mid", path: "app" });
    await addMember(m, { username: "direct", accessLevel: AccessLevel.Developer, projectPath: "top/mid/app" });
    await addMember(m, { username: "group", accessLevel: AccessLevel.Reporter, groupPath: "top/mid" });
    await addMember(m, { username: "ancestor", accessLevel: AccessLevel.Maintainer, groupPath: "top" });
    await addMember(m, { username: "both", accessLevel: AccessLevel.Guest, projectPath: "top/mid/app" });
    await addMember(m, { username: "both", accessLevel: AccessLevel.Owner, groupPath: "top" });
    await addMember(m, { username: "lower-direct", accessLevel: AccessLevel.Maintainer, projectPath: "top/mid/app" });
    await addMember(m, { username: "lower-direct", accessLevel: AccessLevel.Guest, groupPath: "top/mid" });
    await addMember(m, { username: "sibling", accessLevel: AccessLevel.Owner, groupPath: "other" });
    return p;
  });
});
afterAll(async () => db.drop());

it("gives every user in one query the role accessLevelFor gives each alone", async () => {
  const m = db.dataSource.manager;
  const batched = await accessLevelsFor(m, project.id, Object.values(ids));
  const single: Record<string, number | null> = {};
  const fromBatch: Record<string, number | null> = {};
  for (const name of NAMES) {
    single[name] = await accessLevelFor(m, { id: ids[name], username: name, admin: false }, project.id);
    fromBatch[name] = batched.get(ids[name]) ?? null;
  }
  expect(fromBatch).toEqual(single);
  expect(fromBatch).toEqual({
    direct: AccessLevel.Developer,
    group: AccessLevel.Reporter,
    ancestor: AccessLevel.Maintainer,
    both: AccessLevel.Owner,
    "lower-direct": AccessLevel.Maintainer,
    outsider: null,
    sibling: null,
  });
});

it("answers an empty list without a query and tolerates duplicates", async () => {
  const m = db.dataSource.manager;
  expect(await accessLevelsFor(m, project.id, [])).toEqual(new Map());
  expect(await accessLevelsFor(m, project.id, [ids.direct, ids.direct])).toEqual(
    new Map([[ids.direct, AccessLevel.Developer]]),
  );
});
