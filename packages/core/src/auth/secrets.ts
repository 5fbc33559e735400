import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (19 MiB, 2 passes), as OWASP recommends. */
export const hashPassword = (password: string) => hash(password);

export const verifyPassword = async (passwordHash: string | null, password: string): Promise<boolean> => {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};

/** An unguessable token: 256 random bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");

/** Tokens and session ids are stored only as their SHA-256. */
export const digest = (token: string) => createHash("sha256").update(token).digest("hex");
