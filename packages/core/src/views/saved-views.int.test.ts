// Issue 10.3 on real PostgreSQL: saved views of the issue list — personal ones seen by their owner only,
// shared ones by every member and managed by Maintainer+, names unique per owner, filters validated with
// sentences a person can act on.
import { type EntityManager, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProjectAbilities } from "../permissions/abilities.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  type SavedViewFilters,
  updateSavedView,
  type ViewActor,
} from "./saved-views.ts";

let db: TestDatabase;
let m: EntityManager;
let project: ProjectEntity;
let other: ProjectEntity;

const actor = async (username: string | null, p = project): Promise<ViewActor> => {
  const user = username ? await m.findOneByOrFail(UserEntity, { username }) : null;
  const viewer = user ? { id: user.id, username: user.username, admin: user.admin } : null;
  return { userId: user?.id ?? null, abilities: await loadProjectAbilities(m, viewer, p) };
};
const names = async (username: string | null, p = project) =>
  (await listSavedViews(m, { projectId: p.id, actor: await actor(username, p) })).map((v) => v.name);
/** Each change in its own transaction, as the api runs it: a refusal leaves nothing behind. */
const tx = <T>(work: (t: EntityManager) => Promise<T>) => db.dataSource.transaction(work);

beforeAll(async () => {
  db = await createTestDatabase();
  m = db.dataSource.manager;
  await tx((t) => seedDemo(t, { password: "password1234" }));
  project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  other = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/other" });
});
afterAll(async () => db?.drop());

describe("saved views (10.3)", () => {
  it("shows a shared view to every member and a personal one to its owner only, in that project only", async () => {
    const maintainer = await actor("maintainer");
    const shared = await tx(async (t) =>
      createSavedView(t, {
        projectId: project.id,
        actor: maintainer,
        shared: true,
        name: "Urgent billing",
        filters: { state: "needs_reply", labels: ["billing", "urgent"], sort: "LAST_CUSTOMER_ACTIVITY_DESC" },
      }),
    );
    const mine = await tx(async (t) =>
      createSavedView(t, {
        projectId: project.id,
        actor: await actor("reporter"),
        shared: false,
        name: "My open ones",
        filters: { assignee: "@reporter" },
      }),
    );
    expect(shared.filters).toEqual({
      tab: "service_desk",
      state: "needs_reply",
      search: "",
      labels: ["billing", "urgent"],
      assignee: "",
      author: "",
      sort: "LAST_CUSTOMER_ACTIVITY_DESC",
    } satisfies SavedViewFilters);
    expect(mine).toMatchObject({ userId: expect.any(Number), filters: { assignee: "reporter" } });

    expect(await names("reporter")).toEqual(["My open ones", "Urgent billing"]);
    expect(await names("guest")).toEqual(["Urgent billing"]);
    expect(await names("developer")).toEqual(["Urgent billing"]);
    expect(await names("outsider")).toEqual([]);
    expect(await names(null)).toEqual([]);
    // Neither view belongs to demo/other, where the maintainer is also a member.
    expect(await names("maintainer", other)).toEqual([]);
    await tx(async (t) => deleteSavedView(t, { id: shared.id, actor: await actor("owner") }));
    await tx(async (t) => deleteSavedView(t, { id: mine.id, actor: await actor("reporter") }));
    expect(await names("reporter")).toEqual([]);
  });

  it("lets only Maintainer+ create, rename or delete a shared view; a personal one only its owner", async () => {
    await expect(
      tx(async (t) =>
        createSavedView(t, {
          projectId: project.id,
          actor: await actor("developer"),
          shared: true,
          name: "Nope",
          filters: {},
        }),
      ),
    ).rejects.toThrow("The saved view does not exist or you may not change it.");
    await expect(
      tx(async (t) =>
        createSavedView(t, {
          projectId: project.id,
          actor: await actor(null),
          shared: false,
          name: "Anon",
          filters: {},
        }),
      ),
    ).rejects.toThrow("The saved view does not exist or you may not change it.");

    const team = await tx(async (t) =>
      createSavedView(t, {
        projectId: project.id,
        actor: await actor("owner"),
        shared: true,
        name: "Team",
        filters: {},
      }),
    );
    const personal = await tx(async (t) =>
      createSavedView(t, {
        projectId: project.id,
        actor: await actor("developer"),
        shared: false,
        name: "Dev's",
        filters: {},
      }),
    );
    for (const who of ["reporter", "developer", "guest"]) {
      await expect(
        tx(async (t) => updateSavedView(t, { id: team.id, actor: await actor(who), name: `Renamed by ${who}` })),
      ).rejects.toThrow("The saved view does not exist or you may not change it.");
      await expect(tx(async (t) => deleteSavedView(t, { id: team.id, actor: await actor(who) }))).rejects.toThrow(
        "The saved view does not exist or you may not change it.",
      );
    }
    for (const who of ["maintainer", "owner", "reporter"]) {
      await expect(
        tx(async (t) => updateSavedView(t, { id: personal.id, actor: await actor(who), name: "Stolen" })),
      ).rejects.toThrow("The saved view does not exist or you may not change it.");
    }
    const renamed = await tx(async (t) =>
      updateSavedView(t, {
        id: team.id,
        actor: await actor("maintainer"),
        name: "  Team queue ",
        filters: { state: "all" },
      }),
    );
    expect(renamed).toMatchObject({ name: "Team queue", userId: null, filters: { state: "all" } });
    await tx(async (t) => deleteSavedView(t, { id: team.id, actor: await actor("maintainer") }));
    await tx(async (t) => deleteSavedView(t, { id: personal.id, actor: await actor("developer") }));
    expect(await names("developer")).toEqual([]);
  });

  it("refuses a blank, long or taken name and bad filters, naming every problem", async () => {
    const reporter = await actor("reporter");
    const create = (name: string, filters: Record<string, unknown>, shared = false, who = reporter) =>
      tx((t) => createSavedView(t, { projectId: project.id, actor: who, shared, name, filters }));
    await expect(create("   ", {})).rejects.toThrow("Name can't be blank.");
    await expect(create("x".repeat(81), {})).rejects.toThrow("Name is too long (maximum is 80 characters).");
    await expect(
      create("Bad", {
        state: "done",
        sort: "PRIORITY",
        tab: "mine",
        assignee: "two words",
        labels: Array(21)
          .fill("l")
          .map((l, i) => l + i),
      }),
    ).rejects.toThrow(
      [
        "Tab must be one of service_desk, all.",
        "State must be one of needs_reply, opened, closed, all.",
        "Sort must be one of CREATED_DESC, CREATED_ASC, UPDATED_DESC, UPDATED_ASC, LAST_CUSTOMER_ACTIVITY_DESC.",
        "A view filters by at most 20 labels.",
        'Assignee must be a username, e.g. "ana" (found "two words").',
      ].join(" "),
    );
    await expect(create("", { search: "s".repeat(256) })).rejects.toThrow(
      "Name can't be blank. Search is too long (maximum is 255 characters).",
    );

    const first = await create("Refunds", { search: "refund" });
    await expect(create("REFUNDS ", {})).rejects.toThrow("Name has already been taken.");
    // Another owner's name is theirs: the project's and another user's may repeat it.
    const shared = await create("refunds", {}, true, await actor("maintainer"));
    const ana = await create("Refunds", {}, false, await actor("developer"));
    const second = await create("Billing", {});
    await expect(tx((t) => updateSavedView(t, { id: second.id, actor: reporter, name: "refunds" }))).rejects.toThrow(
      "Name has already been taken.",
    );
    expect(await names("reporter")).toEqual(["Billing", "Refunds", "refunds"]);
    for (const [v, who] of [
      [first, "reporter"],
      [second, "reporter"],
      [shared, "maintainer"],
      [ana, "developer"],
    ] as const)
      await tx(async (t) => deleteSavedView(t, { id: v.id, actor: await actor(who) }));
  });

  it("keeps the author filter only on the All tab, where the list has it", async () => {
    const v = await tx(async (t) =>
      createSavedView(t, {
        projectId: project.id,
        actor: await actor("reporter"),
        shared: false,
        name: "Authors",
        filters: { author: "developer" },
      }),
    );
    expect(v.filters.author).toBe("");
    const all = await tx(async (t) =>
      updateSavedView(t, { id: v.id, actor: await actor("reporter"), filters: { tab: "all", author: "@developer" } }),
    );
    expect(all.filters).toMatchObject({ tab: "all", author: "developer" });
    await tx(async (t) => deleteSavedView(t, { id: v.id, actor: await actor("reporter") }));
  });

  it("goes with its owner and its project", async () => {
    const [u] = await m.query(
      `INSERT INTO users (username, email, name, password_hash) VALUES ('leaver', 'leaver@example.com', 'Leaver', 'x') RETURNING id`,
    );
    await m.query(`INSERT INTO saved_views (project_id, user_id, name, filters) VALUES ($1, $2, 'Mine', '{}')`, [
      project.id,
      u.id,
    ]);
    await m.query(`DELETE FROM users WHERE id = $1`, [u.id]);
    expect(await m.query(`SELECT 1 FROM saved_views WHERE user_id = $1`, [u.id])).toEqual([]);
  });
});
