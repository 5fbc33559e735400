// Issue 9.12: the outbox loop never stops quietly. An unexpected error in it ends the worker (through
// the context's `fatal`, which in production rethrows so the process exits and the launcher restarts it).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startOutbound } from "../src/outbound/index.ts";
import { testWorkerContext } from "./service-desk-fixtures.ts";

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-outbound-loop-"));
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("ends the worker when its loop fails unexpectedly, instead of running on without sending", async () => {
  const { ctx } = testWorkerContext({ databaseUrl: db.url, dataSource: db.dataSource, dataDir });
  let fatal: (err: Error) => void = () => undefined;
  const ended = new Promise<Error>((resolve) => {
    fatal = resolve;
  });
  let turns = 0;
  const runner = await startOutbound(
    { ...ctx, fatal },
    {
      pollIntervalMs: 50,
      hooks: {
        beforeClaim: () => {
          turns++;
          if (turns === 3) throw new Error("a bug in the loop");
        },
      },
    },
  );
  try {
    const err = await Promise.race([
      ended,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the loop crashed quietly")), 10_000)),
    ]);
    expect(err.message).toBe("a bug in the loop");
  } finally {
    await runner.stop();
  }
});
