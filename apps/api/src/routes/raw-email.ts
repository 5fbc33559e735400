// Issue 11.7: `GET /-/emails/:id/raw` — the stored original of an email that made an issue or a note, for
// viewers who may read that issue and see customers' addresses (Reporter+: customerAddressVisibility, the
// one rule). Shown as plain text (never rendered, never sniffed); `?download=1` saves it as .eml.
// 404 for everyone else, never 403.
import { canReadIssue, customerAddressVisibility, type Logger, loadProjectAbilities, type Viewer } from "@tidings/core";
import { type DataSource, IssueAssigneeEntity, IssueEntity, ProjectEntity } from "@tidings/db";
import { type Request, type Response, Router } from "express";

export const rawEmailRouter = (deps: { dataSource: DataSource; log: Logger }): Router => {
  const router = Router();
  const log = deps.log.child({ module: "raw-email" });
  router.get("/-/emails/:id/raw", async (req: Request, res: Response) => {
    const notFound = () => void res.status(404).type("text/plain").send("Not found");
    try {
      const id = String(req.params.id);
      if (!/^\d{1,9}$/.test(id)) return notFound();
      const viewer = (res.locals.viewer ?? null) as Viewer;
      if (!viewer) return notFound();
      const db = deps.dataSource.manager;
      const [row]: { issue_id: number | null; raw: Buffer; message_id: string | null }[] = await db.query(
        `SELECT issue_id, raw, message_id FROM inbound_emails WHERE id = $1 AND status IN ('issue', 'note')`,
        [Number(id)],
      );
      if (!row?.issue_id) return notFound();
      const issue = await db.findOneBy(IssueEntity, { id: row.issue_id });
      const project = issue ? await db.findOneBy(ProjectEntity, { id: issue.projectId }) : null;
      if (!issue || !project) return notFound();
      const abilities = await loadProjectAbilities(db, viewer, project);
      const assignee = await db.existsBy(IssueAssigneeEntity, { issueId: issue.id, userId: viewer.id });
      if (!canReadIssue(abilities, issue, assignee) || !customerAddressVisibility.allows(abilities)) return notFound();
      const download = req.query.download === "1";
      res.set({
        "Content-Type": download ? "message/rfc822" : "text/plain; charset=utf-8",
        "Content-Disposition": download ? `attachment; filename="email-${id}.eml"` : "inline",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer",
      });
      res.send(row.raw);
    } catch (err) {
      log.error({ err }, "raw_email.failed");
      if (!res.headersSent) res.status(500).type("text/plain").send("Internal server error");
    }
  });
  return router;
};
