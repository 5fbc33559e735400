// Issue 10.6: team administration without downtime. Instance admins reset passwords; every user changes
// their own (knowing the current one) and manages personal access tokens (name, scopes, expiry; the secret
// shown once). A changed password ends the user's other sessions everywhere (revocation NOTIFY).
import { type EntityManager, PersonalAccessTokenEntity, SessionEntity, UserEntity } from "@tidings/db";
import { createPersonalAccessToken } from "../auth/authenticate.ts";
import { notifyCredentialRevoked } from "../auth/revocation.ts";
import { hashPassword, verifyPassword } from "../auth/secrets.ts";
import { DomainError } from "../errors.ts";

export const MIN_PASSWORD_LENGTH = 8;

/** GitLab's token scopes that fit: `api` (everything the user may) and `read_api` (reads only). */
export const TOKEN_SCOPES = ["api", "read_api"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const checkPassword = (password: string) => {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new DomainError("INVALID_INPUT", `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > 1024)
    throw new DomainError("INVALID_INPUT", "Password is too long (maximum is 1,024 characters).");
};

/** Sets a password and ends every session of the user (all api nodes close their sockets). */
const setPassword = async (db: EntityManager, userId: number, password: string, keepSessionDigest?: string) => {
  checkPassword(password);
  await db.update(UserEntity, { id: userId }, { passwordHash: await hashPassword(password) });
  const sessions = await db.findBy(SessionEntity, { userId });
  for (const s of sessions) {
    if (s.tokenDigest === keepSessionDigest) continue;
    await db.delete(SessionEntity, { id: s.id });
    await notifyCredentialRevoked(db, s.tokenDigest);
  }
};

/** An admin sets a user's password (they sign in with it; their open sessions end). */
export const resetPassword = async (db: EntityManager, input: { username: string; password: string }) => {
  const user = await db.findOneBy(UserEntity, { username: input.username, userType: "human" });
  if (!user) throw new DomainError("NOT_FOUND", `User ${input.username} does not exist.`);
  await setPassword(db, user.id, input.password);
};

/** A user changes their own password; this session stays signed in, the others end. */
export const changeOwnPassword = async (
  db: EntityManager,
  input: { userId: number; currentPassword: string; newPassword: string; sessionDigest?: string },
) => {
  const user = await db.findOneByOrFail(UserEntity, { id: input.userId });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw new DomainError("INVALID_INPUT", "The current password is wrong.");
  await setPassword(db, user.id, input.newPassword, input.sessionDigest);
};

export type TokenRow = {
  id: number;
  name: string;
  scopes: TokenScope[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

export const listTokens = async (db: EntityManager, userId: number): Promise<TokenRow[]> =>
  (await db.find(PersonalAccessTokenEntity, { where: { userId }, order: { id: "DESC" } })).map((t) => ({
    id: t.id,
    name: t.name,
    scopes: t.scopes as TokenScope[],
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    createdAt: t.createdAt,
  }));

/** A new token: the clear secret is returned once, only its digest is kept. */
export const createToken = async (
  db: EntityManager,
  input: { userId: number; name: string; scopes: string[]; expiresAt: Date | null },
) => {
  const errors: string[] = [];
  const name = input.name.trim();
  if (!name) errors.push("Name can't be blank.");
  if (name.length > 255) errors.push("Name is too long (maximum is 255 characters).");
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) errors.push("Choose at least one scope: api or read_api.");
  const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown.length) errors.push(`Unknown scope: ${unknown.join(", ")}. Scopes are api and read_api.`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) errors.push("The expiry date must be in the future.");
  if (errors.length) throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });
  const created = await createPersonalAccessToken(db, { userId: input.userId, name, expiresAt: input.expiresAt });
  await db.update(PersonalAccessTokenEntity, { id: created.id }, { scopes });
  return created;
};
