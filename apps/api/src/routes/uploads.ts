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
  DomainError,
  storeUpload,
  type UploadLinkCheck,
  uploadPath,
  type Viewer,
} from "@tidings/core";
import { AttachmentEntity, type DataSource, IssueAssigneeEntity, IssueEntity, ProjectEntity } from "@tidings/db";
import express, { type NextFunction, type Request, type Response, Router } from "express";

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

  const sendFile = async (res: Response, attachment: AttachmentEntity) => {
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
  };

  // Issue 11.2: a file from the composer (drag and drop, paste, picker). The body is the file; the
  // X-Filename header (URL-encoded) names it, and being a custom header it also keeps other sites out
  // (a form cannot send it, and we answer no CORS preflight). Held for its uploader until a comment uses it.
  router.post(
    "/uploads",
    express.raw({ type: () => true, limit: deps.config.MAX_ATTACHMENT_BYTES + 1 }),
    async (req: Request, res: Response) => {
      const viewer = (res.locals.viewer ?? null) as Viewer;
      const fail = (status: number, message: string) => void res.status(status).json({ errors: [message] });
      try {
        const rawName = req.get("x-filename");
        if (!viewer) return fail(401, "Sign in to attach files.");
        if (viewer.readOnly) return fail(403, "This token has the read_api scope: it can read, not upload.");
        if (rawName === undefined) return fail(400, "Name the file in the X-Filename header.");
        const db = deps.dataSource.manager;
        const project = await db.findOneBy(ProjectEntity, { fullPath: String(req.query.project ?? "") });
        const abilities = project ? await loadProjectAbilities(db, viewer, project) : null;
        if (!project || !abilities?.createNote)
          return fail(404, "The project does not exist, or you can't comment in it.");
        const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let filename: string;
        try {
          filename = decodeURIComponent(rawName);
        } catch {
          return fail(400, "X-Filename must be URL-encoded.");
        }
        const stored = await storeUpload(db, {
          dataDir: deps.config.DATA_DIR,
          maxAttachmentBytes: deps.config.MAX_ATTACHMENT_BYTES,
          projectId: project.id,
          uploaderId: viewer.id,
          filename,
          contentType: req.get("content-type") ?? "application/octet-stream",
          content,
        });
        res.status(201).json({
          id: `gid://tidings/Upload/${stored.id}`,
          url: stored.url,
          markdown: stored.markdown,
          filename: stored.filename,
          contentType: stored.contentType,
          sizeBytes: stored.sizeBytes,
        });
      } catch (err) {
        if (err instanceof DomainError) return fail(422, err.message);
        log.error({ err }, "uploads.store_failed");
        if (!res.headersSent)
          fail(500, "The file could not be stored. Try again; if it persists, tell your administrator.");
      }
    },
    // The body parser's refusals (too large, aborted) answered in the same shape.
    (err: { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      const tooLarge = err.type === "entity.too.large";
      res.status(tooLarge ? 413 : (err.status ?? 400)).json({
        errors: [
          tooLarge
            ? `The file is larger than the limit of ${(deps.config.MAX_ATTACHMENT_BYTES / 1024 / 1024).toFixed(1)} MB.`
            : "The upload did not arrive whole. Try again.",
        ],
      });
    },
  );

  router.get("/uploads/:secret/:filename", async (req: Request, res: Response) => {
    try {
      const secret = String(req.params.secret);
      if (!/^[0-9a-f]{32}$/.test(secret)) return notFound(res);
      const db = deps.dataSource.manager;
      const attachment = await db.findOneBy(AttachmentEntity, { secret });
      if (!attachment || attachment.filename !== String(req.params.filename)) return notFound(res);
      const viewerNow = (res.locals.viewer ?? null) as Viewer;
      // Issue 11.2: a composer upload not yet in a comment is its uploader's alone (the composer's preview).
      const pendingOwn = attachment.issueId === null && viewerNow !== null && attachment.uploadedById === viewerNow.id;
      if (pendingOwn) return sendFile(res, attachment);
      if (attachment.issueId === null) return notFound(res);
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
      return sendFile(res, attachment);
    } catch (err) {
      log.error({ err }, "uploads.failed");
      if (!res.headersSent) res.status(500).type("text/plain").send("Internal server error");
    }
  });
  return router;
};
