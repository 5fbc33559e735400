// A separate OS process (like the worker or another api node): creates a Service Desk issue through
// its own connection pool and prints its id. Usage: node --import tsx create-issue-process.ts <db url> <project path> <title>
import { createIssue } from "@tidings/core";
import { createDataSource, ProjectEntity, SUPPORT_BOT_USERNAME, UserEntity } from "@tidings/db";

const [url, projectPath, title] = process.argv.slice(2);
const ds = createDataSource({ url, poolSize: 1, applicationName: "tidings-test-other-process" });
await ds.initialize();
const issue = await ds.transaction(async (db) => {
  const project = await db.findOneByOrFail(ProjectEntity, { fullPath: projectPath });
  const bot = await db.findOneByOrFail(UserEntity, { username: SUPPORT_BOT_USERNAME });
  return createIssue(db, { projectId: project.id, title, authorId: bot.id, externalAuthor: "far@away.example" });
});
await ds.destroy();
console.log(JSON.stringify({ id: issue.id }));
