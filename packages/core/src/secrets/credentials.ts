// Issue 13.2: secrets Tidings must store and use again (a project's SMTP username and password) are sealed
// with AES-256-GCM under a key derived (HKDF-SHA256) from SECRET_KEY_BASE, else from DATA_DIR's generated
// secret-key-base.key. A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url); the project id is bound
// as associated data, so a sealed password copied to another project's row does not open.
import crypto from "node:crypto";
import type { Config } from "@tidings/config";
import { instanceKey } from "./instance-key.ts";

export const SECRET_KEY_BASE_FILE = "secret-key-base.key";

export type CredentialCipher = {
  seal: (plain: string, context: string) => string;
  open: (sealed: string, context: string) => string;
};

export const credentialCipher = (config: Pick<Config, "SECRET_KEY_BASE" | "DATA_DIR">): CredentialCipher => {
  let key: Buffer | null = null;
  const keyOf = () => {
    key ??= Buffer.from(
      crypto.hkdfSync(
        "sha256",
        instanceKey({
          secret: config.SECRET_KEY_BASE,
          dataDir: config.DATA_DIR,
          file: SECRET_KEY_BASE_FILE,
          variable: "SECRET_KEY_BASE",
        }),
        Buffer.alloc(0),
        "tidings stored credentials v1",
        32,
      ),
    );
    return key;
  };
  return {
    seal: (plain, context) => {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", keyOf(), iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return ["v1", iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    },
    open: (sealed, context) => {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("Not a sealed credential.");
      const decipher = crypto.createDecipheriv("aes-256-gcm", keyOf(), Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new Error(
          "A stored credential cannot be opened: SECRET_KEY_BASE (or DATA_DIR/secret-key-base.key) changed since it was saved. Enter it again.",
        );
      }
    },
  };
};
