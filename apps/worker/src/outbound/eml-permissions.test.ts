// Issue 9 item 5: the .eml outbox holds customers' mail; it is private whatever the process's umask.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emlDelivery } from "./delivery.ts";

describe("the .eml outbox", () => {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tidings-eml-")), "data");
  afterAll(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it("is created 0700 and its files 0600 even under a permissive umask", async () => {
    const previous = process.umask(0o022);
    try {
      const delivery = emlDelivery(dataDir);
      await delivery.send(
        { from: "support@example.com", to: "c@example.com", subject: "Hi", text: "Private." },
        { id: 7, messageId: "m@x" },
      );
    } finally {
      process.umask(previous);
    }
    const dir = path.join(dataDir, "outbox");
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe("700");
    const [file] = fs.readdirSync(dir);
    expect(file).toMatch(/^7-m@x\.eml$/);
    expect((fs.statSync(path.join(dir, file)).mode & 0o777).toString(8)).toBe("600");
  });
});
