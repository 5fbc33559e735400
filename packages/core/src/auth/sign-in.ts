import { type EntityManager, SessionEntity, UserEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { digest, hashPassword, randomToken, verifyPassword } from "./secrets.ts";
import { claimSignInAttempt, clearSignInAttempts, throttleKey } from "./sign-in-throttle.ts";

export { SIGN_IN_LIMITS } from "./sign-in-throttle.ts";

export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type SignInInput = { login: string; password: string; ip: string; userAgent?: string | null };
export type SignInResult = { user: UserEntity; sessionToken: string; expiresAt: Date };

const INVALID = "Invalid login or password.";

/** A real argon2id hash of a random secret: unknown logins cost the same verification as known ones. */
let dummyHash: Promise<string> | null = null;
const dummyPasswordHash = () => {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
};

const findAccount = (db: EntityManager, login: string) =>
  db
    .createQueryBuilder(UserEntity, "u")
    .where("lower(u.username) = :login OR lower(u.email) = :login", { login })
    .getOne();

/**
 * A1: username or email + password. The attempt is counted (per account and per address) before the
 * password is checked; an unknown, blocked or bot login is checked against a dummy hash so every answer
 * takes the same time.
 */
export const signIn = async (db: EntityManager, input: SignInInput): Promise<SignInResult> => {
  const login = input.login.trim().toLowerCase();
  if (!login || !input.password)
    throw new DomainError("INVALID_INPUT", "Enter your username or email and your password.");
  const user = await findAccount(db, login);
  const key = throttleKey(user?.id ?? null, login);
  const attempt = await claimSignInAttempt(db, key, input.ip);
  if (!attempt.allowed) {
    throw new DomainError("RATE_LIMITED", "Too many failed sign-in attempts. Wait 15 minutes and try again.");
  }
  const usable = user && !user.blocked && user.userType === "human" && user.passwordHash;
  const matches = await verifyPassword(usable ? user.passwordHash : await dummyPasswordHash(), input.password);
  if (!usable || !matches) throw new DomainError("UNAUTHENTICATED", INVALID);
  await clearSignInAttempts(db, key);
  const sessionToken = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insert(SessionEntity, {
    tokenDigest: digest(sessionToken),
    userId: user.id,
    expiresAt,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
  });
  return { user, sessionToken, expiresAt };
};

export const signOut = async (db: EntityManager, sessionToken: string) => {
  await db.delete(SessionEntity, { tokenDigest: digest(sessionToken) });
};
