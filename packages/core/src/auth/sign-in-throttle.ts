import { type EntityManager, FailedSignInEntity } from "@tidings/db";
import { digest } from "./secrets.ts";

/** Attempts allowed per account, and per client address, within the window (A1). */
export const SIGN_IN_LIMITS = { perLogin: 5, perIp: 20, windowMs: 15 * 60 * 1000 };

/**
 * What an attempt is counted against: the account when the login names one (so its username and its
 * email share one counter), otherwise a digest of the typed login (never stored or logged as typed).
 */
export const throttleKey = (userId: number | null, login: string) =>
  userId !== null ? `user:${userId}` : `unknown:${digest(login)}`;

export type ClaimedAttempt = { id: number; allowed: boolean };

/**
 * Records the attempt first and counts afterwards, each statement committed on its own: of N concurrent
 * attempts the k-th to commit sees at least k rows, so at most the limit ever reach the password check.
 * A refused attempt removes its row again (the counter holds the attempts that were checked).
 */
export const claimSignInAttempt = async (db: EntityManager, key: string, ip: string): Promise<ClaimedAttempt> => {
  const { identifiers } = await db.insert(FailedSignInEntity, { login: key, ip });
  const id = identifiers[0].id as number;
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMs);
  const [{ by_key, by_ip }] = await db.query(
    `SELECT count(*) FILTER (WHERE login = $1)::int AS by_key, count(*) FILTER (WHERE ip = $2)::int AS by_ip
       FROM failed_sign_ins WHERE created_at > $3 AND (login = $1 OR ip = $2)`,
    [key, ip, since],
  );
  const allowed = by_key <= SIGN_IN_LIMITS.perLogin && by_ip <= SIGN_IN_LIMITS.perIp;
  if (!allowed) await db.delete(FailedSignInEntity, { id });
  return { id, allowed };
};

/** A successful sign-in clears the account's counter (its own attempt included). */
export const clearSignInAttempts = async (db: EntityManager, key: string) => {
  await db.delete(FailedSignInEntity, { login: key });
};
