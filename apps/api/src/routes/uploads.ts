// `GET /uploads/:secret/:filename` — an attachment of an email-created issue or note, served only to
// viewers who may read that issue (404 otherwise, never 403: the URL's existence is not disclosed), or to
// anyone holding the signed link a customer email carries (`?expires=…&signature=…`, signed-links.ts)
// until it expires (410 then, with what to do). Images are shown inline; everything else (SVG included)
// is a download. Never sniffed.
import fs from "node:fs";
import type { Config } from "@tidings/config";
import {
  canReadIssue,
  checkUploadSignature,
  emailLinkKey,
  type Logger,
  loadProjectAbilities,
  type UploadLinkCheck,
  uploadPath,
  type Viewer,
} from "@tidings/core";
import { AttachmentEntity, type DataSource, IssueAssigneeEntity, IssueEntity, ProjectEntity } from "@tidings/db";
import { type Request, type Response, Router } from "express";

export type UploadsRouterDeps = { config: Config; dataSource: DataSource; log: Logger };

const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"]);

const contentDisposition = (kind: "inline" | "attachment", filename: string) => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

export const uploadsRouter = (deps: UploadsRouterDeps): Router => {
  const router = Router();
  const log = deps.log.child({ module: "uploads" });
  const notFound = (res: Response) => void res.status(404).type("text/plain").send("Not found");
  const expired = (res: Response) =>
    void res
      .status(410)
      .type("text/plain")
      .send(
        "This link has expired. Reply to the email it came in to ask for the file again, or sign in to download it.",
      );
  const linkKey = emailLinkKey(deps.config);

  router.get("/uploads/:secret/:filename", async (req: Request, res: Response) => {
    try {
      const secret = String(req.params.secret);
      if (!/^[0-9a-f]{32}$/.test(secret)) return notFound(res);
      const db = deps.dataSource.manager;
      const attachment = await db.findOneBy(AttachmentEntity, { secret });
      if (!attachment || attachment.filename !== String(req.params.filename) || attachment.issueId === null) {
        return notFound(res);
      }
      const issue = await db.findOneBy(IssueEntity, { id: attachment.issueId });
      const project = issue ? await db.findOneBy(ProjectEntity, { id: issue.projectId }) : null;
      if (!issue || !project) return notFound(res);
      const link: UploadLinkCheck | null =
        req.query.signature === undefined
          ? null
          : checkUploadSignature(linkKey(), {
              secret,
              filename: attachment.filename,
              expires: req.query.expires,
              signature: req.query.signature,
            });
      if (link !== "valid") {
        const viewer = (res.locals.viewer ?? null) as Viewer;
        const abilities = await loadProjectAbilities(db, viewer, project);
        const assignee = viewer
          ? await db.existsBy(IssueAssigneeEntity, { issueId: issue.id, userId: viewer.id })
          : false;
        if (!canReadIssue(abilities, issue, assignee)) return link === "expired" ? expired(res) : notFound(res);
      }
      const file = uploadPath(deps.config.DATA_DIR, attachment.sha256);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat) {
        log.warn({ attachmentId: attachment.id }, "uploads.file_missing");
        return notFound(res);
      }
      const inline = INLINE_IMAGES.has(attachment.contentType);
      res.set({
        "Content-Type": inline ? attachment.contentType : "application/octet-stream",
        "Content-Length": String(stat.size),
        "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", attachment.filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=3600",
        "Referrer-Policy": "no-referrer",
      });
      fs.createReadStream(file)
        .on("error", (err) => {
          log.warn({ err, attachmentId: attachment.id }, "uploads.read_failed");
          res.destroy(err);
        })
        .pipe(res);
    } catch (err) {
      log.error({ err }, "uploads.failed");
      if (!res.headersSent) res.status(500).type("text/plain").send("Internal server error");
    }
  });
  return router;
};
