// Issue 13.2 (GitLab items 33–35): a project's own Service Desk address, e.g. support@customer-domain, with
// the SMTP server that sends as it. Saving it starts a verification: an email with a token goes out through
// those credentials to `<local>+verify@<domain>`; the team's forwarding brings it back to the project's
// Service Desk address; checking it (checkCustomEmailVerification) finishes or fails the verification with
// GitLab's reasons. Only a verified address can be enabled; then the project's customer emails leave
// through its SMTP server, From the custom address. Credentials are sealed and never leave this module
// except to the outbox runner (customSmtpFor).
import crypto from "node:crypto";
import dns from "node:dns/promises";
import net from "node:net";
import { type EntityManager, OutboundKind, ProjectEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { enqueueEmail, OUTBOX_CHANNEL } from "../notifications/enqueue.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { DEFAULT_OUTGOING_NAME } from "../notifications/queue-emails.ts";
import { randomMessageId } from "../notifications/reply-key.ts";
import type { CredentialCipher } from "../secrets/credentials.ts";

/**
 * GitLab's format (letters, digits, `.`, `_`, `-` before the @; no `+`, which the verification and reply
 * addresses add), written without GitLab's atomic group, which JavaScript lacks: linear, no nested repeats.
 */
export const CUSTOM_EMAIL_FORMAT = /^[a-zA-Z0-9._-]{1,255}@[\w.-]{1,255}\.[a-zA-Z]{2,63}$/;
export const SMTP_AUTH_METHODS = ["auto", "plain", "login", "cram_md5"] as const;
export type SmtpAuthMethod = (typeof SMTP_AUTH_METHODS)[number];
/** The outbox channel's payload when a project starts or stops sending through its own server. */
export const CUSTOM_EMAIL_CHANGED = "custom_email";
const announceChange = (db: EntityManager) =>
  db.query("SELECT pg_notify($1, $2)", [OUTBOX_CHANNEL, CUSTOM_EMAIL_CHANGED]);

/** A verification email that has not come back within this long failed (GitLab: 30 minutes). */
export const VERIFICATION_WINDOW_MS = 30 * 60 * 1000;

export type VerificationState = "started" | "finished" | "failed";
/** GitLab's failure reasons (item 34). */
export type VerificationError =
  | "smtp_host_issue"
  | "invalid_credentials"
  | "read_timeout"
  | "mail_not_received_within_timeframe"
  | "incorrect_forwarding_target"
  | "incorrect_from"
  | "incorrect_token";

export const VERIFICATION_ERROR_TEXT: Record<VerificationError, string> = {
  smtp_host_issue:
    "The SMTP server could not be reached or refused the email. Check the host and port (and that it accepts TLS as configured).",
  invalid_credentials: "The SMTP server refused the username or password.",
  read_timeout: "The SMTP server did not answer in time.",
  mail_not_received_within_timeframe:
    "The verification email did not come back within 30 minutes. Check that your address forwards to the Service Desk address.",
  incorrect_forwarding_target:
    "The verification email was forwarded to the wrong address. Forward your custom address to this project's Service Desk address.",
  incorrect_from: "The verification email came back From another address than the custom address.",
  incorrect_token: "The verification email came back with another token. Save the settings again to send a new one.",
};

export type CustomEmailInput = {
  customEmail: string;
  smtpHost: string;
  smtpPort: number;
  smtpUsername: string;
  smtpPassword: string;
  smtpAuthMethod?: SmtpAuthMethod;
};

/** What the settings panel shows: never the username's or the password's value. */
export type CustomEmailView = {
  customEmail: string;
  enabled: boolean;
  smtpHost: string;
  smtpPort: number;
  smtpAuthMethod: SmtpAuthMethod;
  verificationState: VerificationState;
  verificationError: VerificationError | null;
  verificationTriggeredAt: Date;
};

type Row = {
  project_id: number;
  custom_email: string;
  smtp_host: string;
  smtp_port: number;
  smtp_username_sealed: string;
  smtp_password_sealed: string;
  smtp_auth_method: SmtpAuthMethod;
  enabled: boolean;
  verification_state: VerificationState;
  verification_error: VerificationError | null;
  verification_token: string | null;
  verification_triggered_at: Date;
};

const viewOf = (r: Row): CustomEmailView => ({
  customEmail: r.custom_email,
  enabled: r.enabled,
  smtpHost: r.smtp_host,
  smtpPort: r.smtp_port,
  smtpAuthMethod: r.smtp_auth_method,
  verificationState: r.verification_state,
  verificationError: r.verification_error,
  verificationTriggeredAt: r.verification_triggered_at,
});

const rowOf = async (db: EntityManager, projectId: number, lock = false): Promise<Row | null> => {
  const [row] = await db.query(
    `SELECT * FROM service_desk_custom_emails WHERE project_id = $1${lock ? " FOR UPDATE" : ""}`,
    [projectId],
  );
  return row ?? null;
};

/**
 * The project's custom address as the settings panel shows it. A verification email that has not come back
 * within 30 minutes failed (GitLab's mail_not_received_within_timeframe): recorded when it is next read.
 */
export const readCustomEmail = async (db: EntityManager, projectId: number, now = new Date()) => {
  const row = await rowOf(db, projectId);
  if (!row) return null;
  if (
    row.verification_state === "started" &&
    now.getTime() - row.verification_triggered_at.getTime() > VERIFICATION_WINDOW_MS
  ) {
    await db.query(
      `UPDATE service_desk_custom_emails
          SET verification_state = 'failed', verification_error = 'mail_not_received_within_timeframe',
              verification_token = NULL, updated_at = now()
        WHERE project_id = $1 AND verification_state = 'started'`,
      [projectId],
    );
    return viewOf({ ...row, verification_state: "failed", verification_error: "mail_not_received_within_timeframe" });
  }
  return viewOf(row);
};

/** The sealing context binds a credential to its project. */
const sealContext = (projectId: number, field: string) => `service_desk_custom_email:${projectId}:${field}`;

/** `support@acme.test` → `support+verify@acme.test` (GitLab's verification address). */
export const verificationAddressOf = (customEmail: string) => {
  const at = customEmail.lastIndexOf("@");
  return `${customEmail.slice(0, at)}+verify${customEmail.slice(at)}`;
};

const isPrivateAddress = (ip: string) => {
  const list = new net.BlockList();
  for (const [net4, bits] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["100.64.0.0", 10],
  ] as const)
    list.addSubnet(net4, bits, "ipv4");
  for (const [net6, bits] of [
    ["::1", 128],
    ["::", 128],
    ["fc00::", 7],
    ["fe80::", 10],
  ] as const)
    list.addSubnet(net6, bits, "ipv6");
  return list.check(ip, net.isIPv6(ip) ? "ipv6" : "ipv4");
};

/** Every problem of the input, in sentences a maintainer can act on (GitLab's rules, item 33). */
export const customEmailProblems = async (
  input: CustomEmailInput,
  opts: { allowPrivateHosts: boolean },
): Promise<string[]> => {
  const problems: string[] = [];
  const email = input.customEmail.trim();
  if (!email || !input.smtpHost.trim() || !input.smtpUsername || !input.smtpPassword) {
    problems.push("Enter the custom email address, the SMTP host, username and password.");
  }
  if (email && (email.length > 255 || !CUSTOM_EMAIL_FORMAT.test(email))) {
    problems.push("Custom email must be an address such as support@example.com, without '+'.");
  }
  if (!Number.isInteger(input.smtpPort) || input.smtpPort < 1 || input.smtpPort > 65535) {
    problems.push("SMTP port must be a whole number between 1 and 65535 (usually 587).");
  }
  if (input.smtpUsername.length > 255) problems.push("SMTP username is too long (maximum is 255 characters).");
  if (input.smtpPassword && (input.smtpPassword.length < 8 || input.smtpPassword.length > 128)) {
    problems.push("SMTP password must be 8 to 128 characters.");
  }
  if (input.smtpAuthMethod && !SMTP_AUTH_METHODS.includes(input.smtpAuthMethod)) {
    problems.push(`SMTP authentication must be one of ${SMTP_AUTH_METHODS.join(", ")}.`);
  }
  const host = input.smtpHost.trim();
  if (host && (host.length > 255 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9a-fA-F:.]+\]?$/.test(host))) {
    problems.push("SMTP host must be a host name such as smtp.example.com or an IP address.");
  } else if (host && !opts.allowPrivateHosts) {
    // The worker connects where this says: not to itself or the private network (CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS).
    const addresses = net.isIP(host)
      ? [host]
      : await dns
          .lookup(host, { all: true })
          .then((all) => all.map((a) => a.address))
          .catch(() => null);
    if (addresses === null) problems.push(`SMTP host ${host} could not be found (DNS).`);
    else if (host === "localhost" || addresses.some(isPrivateAddress)) {
      problems.push(
        `SMTP host ${host} is a local or private address; an administrator can allow these with CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS=true.`,
      );
    }
  }
  return problems;
};

const newToken = () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.randomBytes(12), (b) => alphabet[b % alphabet.length]).join("");
};

export type SaveCustomEmailResult = { customEmail: CustomEmailView | null; errors: string[] };

/**
 * Saves a project's custom address and sends the verification email (GitLab item 34): state `started`,
 * a 12-character token, the address disabled. An existing one must be reset first, as in GitLab.
 */
export const saveCustomEmail = async (
  db: EntityManager,
  deps: { cipher: CredentialCipher; mail: MailSettings; allowPrivateHosts: boolean },
  input: CustomEmailInput & { projectId: number; userId: number },
): Promise<SaveCustomEmailResult> => {
  const errors = await customEmailProblems(input, { allowPrivateHosts: deps.allowPrivateHosts });
  if (errors.length > 0) return { customEmail: null, errors };
  const project = await db.findOneOrFail(ProjectEntity, {
    where: { id: input.projectId },
    lock: { mode: "pessimistic_write" },
  });
  if (await rowOf(db, project.id)) {
    return { customEmail: null, errors: ["A custom email address is already set up. Reset it to enter another."] };
  }
  const email = input.customEmail.trim();
  const [taken] = await db.query("SELECT 1 FROM service_desk_custom_emails WHERE lower(custom_email) = lower($1)", [
    email,
  ]);
  if (taken) return { customEmail: null, errors: ["This custom email address is used by another project."] };
  const token = newToken();
  await db.query(
    `INSERT INTO service_desk_custom_emails (project_id, custom_email, smtp_host, smtp_port, smtp_username_sealed,
       smtp_password_sealed, smtp_auth_method, verification_token, verification_triggered_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      project.id,
      email,
      input.smtpHost.trim(),
      input.smtpPort,
      deps.cipher.seal(input.smtpUsername, sealContext(project.id, "username")),
      deps.cipher.seal(input.smtpPassword, sealContext(project.id, "password")),
      input.smtpAuthMethod ?? "auto",
      token,
      input.userId,
    ],
  );
  const settings = await db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id });
  await enqueueEmail(db, {
    kind: OutboundKind.CustomEmailVerification,
    projectId: project.id,
    toAddress: verificationAddressOf(email),
    fromName: settings?.outgoingName || DEFAULT_OUTGOING_NAME,
    subject: `Verify custom email address ${email} for ${project.name}`,
    messageId: randomMessageId(deps.mail),
    headers: { "Auto-Submitted": "no" },
    textBody: [
      `This email verifies ${email} as the Service Desk address of ${project.name}.`,
      "",
      `Verification token: ${token}`,
      "",
      "Tidings reads this email when your forwarding brings it back; no one needs to answer it.",
    ].join("\n"),
  });
  return { customEmail: viewOf((await rowOf(db, project.id)) as Row), errors: [] };
};

/** Enables or disables a verified address (only a finished verification can be enabled). */
export const setCustomEmailEnabled = async (db: EntityManager, projectId: number, enabled: boolean) => {
  const row = await rowOf(db, projectId, true);
  if (!row) throw new DomainError("NOT_FOUND", "This project has no custom email address.");
  if (enabled && row.verification_state !== "finished") {
    throw new DomainError("INVALID_INPUT", "Only a verified custom email address can be enabled.");
  }
  await db.query(`UPDATE service_desk_custom_emails SET enabled = $2, updated_at = now() WHERE project_id = $1`, [
    projectId,
    enabled,
  ]);
  // The outbox runner picks the server per email: it reads the change before the next email it sends.
  await announceChange(db);
  return viewOf({ ...row, enabled });
};

/** Forgets the address and its credentials (GitLab's "Reset custom email"). */
export const resetCustomEmail = async (db: EntityManager, projectId: number) => {
  await db.query(`DELETE FROM service_desk_custom_emails WHERE project_id = $1`, [projectId]);
  await announceChange(db);
};

/** The verification email could not be sent (the outbox runner's verdict): the verification failed. */
export const failCustomEmailVerification = async (
  db: EntityManager,
  projectId: number,
  error: Extract<VerificationError, "smtp_host_issue" | "invalid_credentials" | "read_timeout">,
) => {
  await db.query(
    `UPDATE service_desk_custom_emails
        SET verification_state = 'failed', verification_error = $2, verification_token = NULL, enabled = false,
            updated_at = now()
      WHERE project_id = $1 AND verification_state = 'started'`,
    [projectId, error],
  );
};

export type CustomSmtp = {
  customEmail: string;
  host: string;
  port: number;
  username: string;
  password: string;
  authMethod: SmtpAuthMethod;
};

/**
 * The SMTP server an email of this project leaves through: its custom one when enabled (or, for the
 * verification email, while being verified); null for the instance's.
 */
export const customSmtpFor = async (
  db: EntityManager,
  cipher: CredentialCipher,
  projectId: number,
  purpose: "verification" | "customer",
): Promise<CustomSmtp | null> => {
  const row = await rowOf(db, projectId);
  if (!row) return null;
  if (purpose === "customer" && !row.enabled) return null;
  if (purpose === "verification" && row.verification_state !== "started") return null;
  return {
    customEmail: row.custom_email,
    host: row.smtp_host,
    port: row.smtp_port,
    username: cipher.open(row.smtp_username_sealed, sealContext(projectId, "username")),
    password: cipher.open(row.smtp_password_sealed, sealContext(projectId, "password")),
    authMethod: row.smtp_auth_method,
  };
};

/** What the verification check reads of the email that came back. */
export type ReturnedVerification = {
  /** Every address in To and Delivered-To (lower-cased). */
  recipients: string[];
  from: string | null;
  body: string;
  receivedAt: Date;
};

const TOKEN = /Verification token: ([A-Za-z0-9_-]{12})/;

/**
 * Checks a returned verification email (GitLab item 34, in GitLab's order) for the project whose custom
 * address it names. Already finished or failed verifications are not processed again.
 */
export const checkCustomEmailVerification = async (
  db: EntityManager,
  projectId: number,
  mail: ReturnedVerification,
  opts: { isAliasAddress: (address: string) => boolean },
): Promise<{ state: VerificationState; error: VerificationError | null } | null> => {
  const row = await rowOf(db, projectId, true);
  if (row?.verification_state !== "started") return null;
  const error: VerificationError | null =
    mail.receivedAt.getTime() - row.verification_triggered_at.getTime() > VERIFICATION_WINDOW_MS
      ? "mail_not_received_within_timeframe"
      : mail.recipients.some(opts.isAliasAddress)
        ? "incorrect_forwarding_target"
        : mail.from?.toLowerCase() !== row.custom_email.toLowerCase()
          ? "incorrect_from"
          : TOKEN.exec(mail.body)?.[1] !== row.verification_token
            ? "incorrect_token"
            : null;
  const state: VerificationState = error ? "failed" : "finished";
  await db.query(
    `UPDATE service_desk_custom_emails
        SET verification_state = $2, verification_error = $3, verification_token = NULL, updated_at = now()
      WHERE project_id = $1`,
    [projectId, state, error],
  );
  return { state, error };
};

/** The project whose custom address (or its +verify form) this is, whatever its state (mail is never lost). */
export const projectOfCustomEmail = async (db: EntityManager, address: string): Promise<number | null> => {
  const bare = address.toLowerCase().replace(/\+verify@/, "@");
  const [row] = await db.query(`SELECT project_id FROM service_desk_custom_emails WHERE lower(custom_email) = $1`, [
    bare,
  ]);
  return row?.project_id ?? null;
};
