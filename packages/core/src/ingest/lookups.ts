// Issue 14.3: what the apply step reads about a message's project and thread. `directLookups` asks the
// database each time (one message); `BatchLookups` reads what a whole batch needs with one statement per
// kind before the batch is applied, and answers from memory, falling back to the database for anything
// it did not read. The rules that use the answers live once, in apply-service-desk.ts.
import { type EntityManager, IssueEntity, ProjectEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { In } from "typeorm";
import type { ProjectTarget } from "../service-desk/mail-key-codec.ts";

export const resolveProject = async (db: EntityManager, target: ProjectTarget): Promise<ProjectEntity | null> => {
  if (target.kind === "service_desk") {
    const p = await db.findOneBy(ProjectEntity, { id: target.projectId });
    return p && p.fullPathSlug === target.slug ? p : null;
  }
  if (target.kind === "legacy") return db.findOneBy(ProjectEntity, { fullPath: target.fullPath });
  if (target.kind === "service_desk_key") {
    // Several projects may share a key; the one whose slug matches wins (item 4).
    const candidates = await db
      .createQueryBuilder(ProjectEntity, "p")
      .innerJoin(ServiceDeskSettingEntity, "s", "s.project_id = p.id")
      .where("s.project_key = :key", { key: target.projectKey })
      .getMany();
    return candidates.find((p) => p.fullPathSlug === target.slug) ?? null;
  }
  return null;
};

export type Lookups = {
  project: (target: ProjectTarget) => Promise<ProjectEntity | null>;
  serviceDeskSettings: (projectId: number) => Promise<ServiceDeskSettingEntity | null>;
  /** The id of the project's issue opened by this Message-ID, if any. */
  issueByMessageId: (projectId: number, messageId: string) => Promise<number | null>;
  /** Whether any of these Message-IDs opened an issue of the project (a reply to one of ours). */
  threadKnown: (projectId: number, ids: string[]) => Promise<boolean>;
  /** Issues this sender opened in the project in the last hour (C10's per-sender limit). */
  recentIssuesFrom: (projectId: number, sender: string) => Promise<number>;
};

const recentIssuesQuery = `SELECT count(*)::int AS n FROM issues
  WHERE project_id = $1 AND external_author IS NOT NULL AND lower(external_author) = lower($2)
    AND created_at > now() - interval '1 hour'`;

export const directLookups = (db: EntityManager): Lookups => ({
  project: (target) => resolveProject(db, target),
  serviceDeskSettings: (projectId) => db.findOneBy(ServiceDeskSettingEntity, { projectId }),
  issueByMessageId: async (projectId, messageId) =>
    (await db.findOne(IssueEntity, { where: { projectId, messageId }, select: { id: true }, order: { id: "ASC" } }))
      ?.id ?? null,
  threadKnown: async (projectId, ids) => ids.length > 0 && db.existsBy(IssueEntity, { projectId, messageId: In(ids) }),
  recentIssuesFrom: async (projectId, sender) => (await db.query(recentIssuesQuery, [projectId, sender]))[0].n,
});

/** Advisory-lock namespace of the per-sender rate limit (one lock per project and sender). */
const SENDER_LIMIT_LOCK = 7_100_012;

const targetKey = (t: ProjectTarget) => JSON.stringify(t);
/** The id of an issue the batch will open but has not written yet. */
const PENDING = 0;
const pair = (projectId: number, value: string) => `${projectId}\u0000${value}`;

/** What one message of a batch will ask: its target, and the Message-IDs and sender it is about. */
export type LookupRequest = {
  target: ProjectTarget;
  messageId: string | null;
  threadIds: string[];
  sender: string | null;
};

export class BatchLookups implements Lookups {
  private readonly direct: Lookups;
  private readonly projects = new Map<string, ProjectEntity | null>();
  private readonly settings = new Map<number, ServiceDeskSettingEntity | null>();
  /** (project, Message-ID) of existing issues among those the batch asks about. */
  private readonly issues = new Map<string, number>();
  private readonly asked = new Set<string>();
  private readonly senders = new Map<string, number>();
  /** Message-IDs of issues the batch will open and has not written yet. */
  private readonly pendingIds = new Set<string>();

  constructor(private readonly db: EntityManager) {
    this.direct = directLookups(db);
  }

  /** Reads everything the requests will ask, with one statement per kind (projects: one per distinct target). */
  async prefetch(requests: LookupRequest[]) {
    for (const r of requests) {
      const key = targetKey(r.target);
      if (!this.projects.has(key)) this.projects.set(key, await this.direct.project(r.target));
    }
    const projectOf = (r: LookupRequest) => this.projects.get(targetKey(r.target)) ?? null;
    const projectIds = [...new Set(requests.flatMap((r) => projectOf(r)?.id ?? []))];
    if (projectIds.length === 0) return;
    for (const id of projectIds) this.settings.set(id, null);
    for (const s of await this.db.findBy(ServiceDeskSettingEntity, { projectId: In(projectIds) })) {
      this.settings.set(s.projectId, s);
    }
    const ids = requests.flatMap((r) => {
      const p = projectOf(r);
      return p ? [...(r.messageId ? [r.messageId] : []), ...r.threadIds].map((m) => ({ p: p.id, m })) : [];
    });
    for (const x of ids) this.asked.add(pair(x.p, x.m));
    if (ids.length) {
      const rows: { id: number; project_id: number; message_id: string }[] = await this.db.query(
        `SELECT min(i.id) AS id, i.project_id, i.message_id FROM issues i
           JOIN (SELECT DISTINCT p, m FROM unnest($1::int[], $2::text[]) AS u(p, m)) u
             ON i.project_id = u.p AND i.message_id = u.m
          GROUP BY i.project_id, i.message_id`,
        [ids.map((x) => x.p), ids.map((x) => x.m)],
      );
      for (const r of rows) this.issues.set(pair(r.project_id, r.message_id), r.id);
    }
    const senders = requests.flatMap((r) => {
      const p = projectOf(r);
      return p && r.sender ? [{ p: p.id, s: r.sender.toLowerCase() }] : [];
    });
    for (const x of senders) this.senders.set(pair(x.p, x.s), 0);
    if (senders.length) {
      // Issue 12.7: the per-sender count is atomic. Concurrent batches from one sender to one project take
      // turns (a transaction lock per pair, in one order, so none waits in a circle) and each counts the
      // issues the one before it committed: 22 at once against a limit of 20 open 20, never 22.
      await this.db.query(
        `SELECT pg_advisory_xact_lock($1, h)
           FROM (SELECT DISTINCT hashtext(p::text || ':' || s) AS h FROM unnest($2::int[], $3::text[]) AS u(p, s)
                  ORDER BY 1) x`,
        [SENDER_LIMIT_LOCK, senders.map((x) => x.p), senders.map((x) => x.s)],
      );
      const rows: { project_id: number; sender: string; n: number }[] = await this.db.query(
        `SELECT i.project_id, lower(i.external_author) AS sender, count(*)::int AS n FROM issues i
           JOIN (SELECT DISTINCT p, s FROM unnest($1::int[], $2::text[]) AS u(p, s)) u
             ON i.project_id = u.p AND i.external_author IS NOT NULL AND lower(i.external_author) = u.s
          WHERE i.created_at > now() - interval '1 hour'
          GROUP BY 1, 2`,
        [senders.map((x) => x.p), senders.map((x) => x.s)],
      );
      for (const r of rows) this.senders.set(pair(r.project_id, r.sender), r.n);
    }
  }

  /** An issue this batch will open (not written yet): the sender's count grows, its Message-ID is pending. */
  opening(projectId: number, sender: string | null, messageId: string | null) {
    if (messageId) {
      this.asked.add(pair(projectId, messageId));
      this.issues.set(pair(projectId, messageId), PENDING);
      this.pendingIds.add(messageId);
    }
    if (!sender) return;
    const key = pair(projectId, sender.toLowerCase());
    const n = this.senders.get(key);
    if (n !== undefined) this.senders.set(key, n + 1);
  }

  /** The pending issue is written. */
  opened(projectId: number, messageId: string | null, issueId: number) {
    if (!messageId) return;
    this.issues.set(pair(projectId, messageId), issueId);
    this.pendingIds.delete(messageId);
  }

  /** Whether any of these Message-IDs belongs to an issue this batch has not written yet. */
  pending(ids: string[]) {
    return ids.some((m) => this.pendingIds.has(m));
  }

  /** Whether this message's Message-IDs were read before the batch: only then are the answers complete. */
  knows(projectId: number, ids: string[]) {
    return ids.every((m) => this.asked.has(pair(projectId, m)));
  }

  async project(target: ProjectTarget) {
    const key = targetKey(target);
    return this.projects.has(key) ? (this.projects.get(key) ?? null) : this.direct.project(target);
  }

  async serviceDeskSettings(projectId: number) {
    return this.settings.has(projectId)
      ? (this.settings.get(projectId) ?? null)
      : this.direct.serviceDeskSettings(projectId);
  }

  async issueByMessageId(projectId: number, messageId: string) {
    const key = pair(projectId, messageId);
    return this.asked.has(key) ? (this.issues.get(key) ?? null) : this.direct.issueByMessageId(projectId, messageId);
  }

  async threadKnown(projectId: number, ids: string[]) {
    if (!this.knows(projectId, ids)) return this.direct.threadKnown(projectId, ids);
    return ids.some((m) => this.issues.has(pair(projectId, m)));
  }

  async recentIssuesFrom(projectId: number, sender: string) {
    const n = this.senders.get(pair(projectId, sender.toLowerCase()));
    return n ?? this.direct.recentIssuesFrom(projectId, sender);
  }
}
