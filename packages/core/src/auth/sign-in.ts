import { type EntityManager, FailedSignInEntity, SessionEntity, UserEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { digest, randomToken, verifyPassword } from "./secrets.ts";

export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** Failed attempts allowed per login, and per client address, within the window. */
export const SIGN_IN_LIMITS = { perLogin: 5, perIp: 20, windowMs: 15 * 60 * 1000 };

export type SignInInput = { login: string; password: string; ip: string; userAgent?: string | null };
export type SignInResult = { user: UserEntity; sessionToken: string; expiresAt: Date };

const INVALID = "Invalid login or password.";

/** A1: username or email + password. Limits failed attempts per login and per address. */
export const signIn = async (db: EntityManager, input: SignInInput): Promise<SignInResult> => {
  const login = input.login.trim().toLowerCase();
  if (!login || !input.password)
    throw new DomainError("INVALID_INPUT", "Enter your username or email and your password.");
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMs);
  const [{ by_login, by_ip }] = await db.query(
    `SELECT count(*) FILTER (WHERE login = $1)::int AS by_login, count(*) FILTER (WHERE ip = $2)::int AS by_ip
       FROM failed_sign_ins WHERE created_at > $3 AND (login = $1 OR ip = $2)`,
    [login, input.ip, since],
  );
  if (by_login >= SIGN_IN_LIMITS.perLogin || by_ip >= SIGN_IN_LIMITS.perIp) {
    throw new DomainError("RATE_LIMITED", "Too many failed sign-in attempts. Wait 15 minutes and try again.");
  }
  const user = await db
    .createQueryBuilder(UserEntity, "u")
    .where("lower(u.username) = :login OR lower(u.email) = :login", { login })
    .getOne();
  const ok =
    user && !user.blocked && user.userType === "human" && (await verifyPassword(user.passwordHash, input.password));
  if (!ok || !user) {
    await db.insert(FailedSignInEntity, { login, ip: input.ip });
    throw new DomainError("UNAUTHENTICATED", INVALID);
  }
  await db.delete(FailedSignInEntity, { login });
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
