// Where the list tests start: the demo data (seedDemo), the support bot that authors Service Desk issues, and
// demo/app, the project they fill.
import { type EntityManager, ProjectEntity } from "@tidings/db";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";

/** Seeds the demo in `m`; returns the support bot and demo/app's id. */
export const seedDemoProject = async (m: EntityManager, password: string) => {
  await seedDemo(m, { password });
  const bot = await ensureSupportBot(m);
  const projectId = (await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" })).id;
  return { bot, projectId };
};
