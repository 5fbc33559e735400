import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { credentialCipher, SECRET_KEY_BASE_FILE } from "./credentials.ts";

describe("credentialCipher (13.2)", () => {
  const secret = "k".repeat(40);
  it("seals so that only the same key and context open, and never shows the plain text", () => {
    const cipher = credentialCipher({ SECRET_KEY_BASE: secret, DATA_DIR: "/nonexistent" });
    const sealed = cipher.seal("hunter2-password", "project:7");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("hunter2");
    expect(cipher.seal("hunter2-password", "project:7")).not.toBe(sealed);
    expect(cipher.open(sealed, "project:7")).toBe("hunter2-password");
    expect(() => cipher.open(sealed, "project:8")).toThrow(/cannot be opened/);
    const other = credentialCipher({ SECRET_KEY_BASE: "o".repeat(40), DATA_DIR: "/nonexistent" });
    expect(() => other.open(sealed, "project:7")).toThrow(/SECRET_KEY_BASE/);
  });

  it("without SECRET_KEY_BASE generates one key file in DATA_DIR, private, and keeps using it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-key-"));
    try {
      const sealed = credentialCipher({ SECRET_KEY_BASE: undefined, DATA_DIR: dir }).seal("pw-123456", "c");
      const file = path.join(dir, SECRET_KEY_BASE_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(credentialCipher({ SECRET_KEY_BASE: undefined, DATA_DIR: dir }).open(sealed, "c")).toBe("pw-123456");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
