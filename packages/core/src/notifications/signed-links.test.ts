import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderEmail } from "./render-email.ts";
import { checkUploadSignature, EMAIL_LINK_KEY_FILE, emailLinkKey, signUploadUrl } from "./signed-links.ts";

const BASE = "https://desk.example.com";
const SECRET = "0123456789abcdef0123456789abcdef";
const key = Buffer.from("k".repeat(32));
const signing = { secret: "k".repeat(32), dataDir: "/nonexistent", ttlMs: 30 * 86_400_000 };
const NOW = Date.UTC(2026, 11, 3);

const parts = (signed: string) => {
  const u = new URL(signed);
  return { expires: u.searchParams.get("expires"), signature: u.searchParams.get("signature") };
};

describe("signUploadUrl and checkUploadSignature", () => {
  it("signs a link to an upload with an expiry the check accepts until then", () => {
    const signed = signUploadUrl(`${BASE}/uploads/${SECRET}/M%C3%A4rz%20report.pdf`, BASE, signing, NOW);
    const { expires, signature } = parts(signed);
    expect(Number(expires)).toBe((NOW + signing.ttlMs) / 1000);
    const input = { secret: SECRET, filename: "März report.pdf", expires, signature };
    expect(checkUploadSignature(key, input, NOW)).toBe("valid");
    expect(checkUploadSignature(key, input, NOW + signing.ttlMs + 1)).toBe("expired");
    expect(checkUploadSignature(Buffer.from("o".repeat(32)), input, NOW)).toBe("invalid");
    expect(checkUploadSignature(key, { ...input, filename: "other.pdf" }, NOW)).toBe("invalid");
    expect(checkUploadSignature(key, { ...input, expires: `${Number(expires) + 1}` }, NOW)).toBe("invalid");
    expect(checkUploadSignature(key, { ...input, expires: undefined }, NOW)).toBe("invalid");
    expect(checkUploadSignature(key, { ...input, signature: ["a", "b"] }, NOW)).toBe("invalid");
  });

  it("leaves every other link as it is", () => {
    for (const url of [
      "https://elsewhere.example/uploads/0123456789abcdef0123456789abcdef/x.png",
      `${BASE}/-/unsubscribe/${SECRET}`,
      `${BASE}/uploads/not-a-secret/x.png`,
      `${BASE}/uploads/${SECRET}/x.png?already=1`,
    ]) {
      expect(signUploadUrl(url, BASE, signing, NOW)).toBe(url);
    }
  });
});

describe("emailLinkKey", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-link-key-"));
    dirs.push(d);
    return d;
  };

  it("is EMAIL_LINK_SECRET when set, and writes nothing", () => {
    const dir = tmp();
    expect(emailLinkKey({ EMAIL_LINK_SECRET: "s".repeat(40), DATA_DIR: dir })().toString()).toBe("s".repeat(40));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("is generated once into DATA_DIR (0600) and read back by every other process", () => {
    const dir = path.join(tmp(), "data");
    const first = emailLinkKey({ EMAIL_LINK_SECRET: undefined, DATA_DIR: dir })();
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, EMAIL_LINK_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([EMAIL_LINK_KEY_FILE]);
    expect(emailLinkKey({ EMAIL_LINK_SECRET: undefined, DATA_DIR: dir })().equals(first)).toBe(true);
  });

  it("refuses an empty key file with a sentence saying what to do", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, EMAIL_LINK_KEY_FILE), "\n");
    expect(() => emailLinkKey({ EMAIL_LINK_SECRET: undefined, DATA_DIR: dir })()).toThrow(
      /delete it .*EMAIL_LINK_SECRET/,
    );
  });
});

describe("links to uploads in a rendered email", () => {
  it("are absolute and signed in both parts; other links are untouched", () => {
    const note = `See ![shot](/uploads/${SECRET}/shot.png) and [log](/uploads/${SECRET}/log.txt), or https://example.com/x.`;
    const out = renderEmail(
      "%{NOTE_TEXT}",
      { NOTE_TEXT: note },
      { baseUrl: BASE, signLink: (u) => signUploadUrl(u, BASE, signing, NOW) },
    );
    const signed = (name: string) => signUploadUrl(`${BASE}/uploads/${SECRET}/${name}`, BASE, signing, NOW);
    expect(out.text).toContain(`shot <${signed("shot.png")}>`);
    expect(out.text).toContain(`log <${signed("log.txt")}>`);
    expect(out.html).toContain(`src="${signed("shot.png").replace(/&/g, "&amp;")}"`);
    expect(out.html).toContain(`href="${signed("log.txt").replace(/&/g, "&amp;")}"`);
    expect(out.html).toContain('href="https://example.com/x"');
  });
});

describe("the mail settings that carry the signing", () => {
  it("are plain data the inbound threads can receive (structured clone), and read no key when built", async () => {
    const { loadConfig } = await import("@tidings/config");
    const { mailSettingsFromConfig } = await import("./mail-settings.ts");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-link-clone-"));
    try {
      const mail = mailSettingsFromConfig(loadConfig({ DATA_DIR: dir, EMAIL_LINK_TTL_DAYS: "2" }));
      expect(structuredClone(mail)).toEqual(mail);
      expect(mail.uploadLinks).toEqual({ secret: null, dataDir: dir, ttlMs: 2 * 86_400_000 });
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
