// Test helper: a Service Desk project configured like GitLab's specs (group `email`, project `email/test`,
// slug `email-test`, suffix `mykey`), and a one-call "receive then process" for a raw message.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DataSource, InboundTransport, ProjectEntity } from "@tidings/db";
import { ServiceDeskSettingEntity } from "@tidings/db";
import { createGroup } from "../../groups/create-group.ts";
import { createProject } from "../../projects/create-project.ts";
import { ensureSupportBot } from "../../users/support-bot.ts";
import { type IngestSettings, processInboundEmail, routeSettingsOf } from "../process-inbound-email.ts";
import { receiveEmail } from "../receive-email.ts";

export type WorldOptions = {
  incomingEmailAddress?: string;
  serviceDeskEmailAddress?: string | null;
  visibility?: "private" | "internal" | "public";
  settings?: Partial<ServiceDeskSettingEntity>;
  ingest?: Partial<IngestSettings>;
};

/** One uploads directory per test process, removed when the process exits. */
let dataDir: string | null = null;
const testDataDir = () => {
  if (dataDir) return dataDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-ingest-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  dataDir = dir;
  return dir;
};

export const ingestSettingsForTest = (opts: WorldOptions = {}): IngestSettings => ({
  mail: {
    publicUrl: "http://localhost:3000",
    emailFrom: "support@tidings.test",
    incomingEmailAddress: opts.incomingEmailAddress ?? "incoming+%{key}@appmail.adventuretime.ooo",
    serviceDeskEmailAddress:
      opts.serviceDeskEmailAddress === undefined ? "support+%{key}@example.com" : opts.serviceDeskEmailAddress,
    messageIdHost: "localhost",
  },
  dataDir: testDataDir(),
  maxEmailBytes: 25 * 1024 * 1024,
  maxAttachmentBytes: 10 * 1024 * 1024,
  issuesPerSenderPerHour: 20,
  ...opts.ingest,
});

/** Stores each raw message in the ledger, one transaction each, as a transport does (not processed). */
export const storeRaw = async (
  ds: DataSource,
  settings: IngestSettings,
  raws: Buffer[],
  o: { transport?: InboundTransport; envelopeTo?: string[] } = {},
) => {
  const stored = [];
  for (const raw of raws) {
    stored.push(
      await ds.transaction((m) =>
        receiveEmail(m, {
          raw,
          transport: o.transport ?? "webhook",
          envelopeTo: o.envelopeTo,
          maxEmailBytes: settings.maxEmailBytes,
          route: routeSettingsOf(settings.mail),
        }),
      ),
    );
  }
  return stored;
};

export const createIngestWorld = async (ds: DataSource, opts: WorldOptions = {}) => {
  const settings = ingestSettingsForTest(opts);
  const project: ProjectEntity = await ds.transaction(async (m) => {
    await ensureSupportBot(m);
    await createGroup(m, { path: "email" });
    const p = await createProject(m, {
      groupPath: "email",
      path: "test",
      serviceDeskEnabled: true,
      visibility: opts.visibility ?? "private",
    });
    await m.update(
      ServiceDeskSettingEntity,
      { projectId: p.id },
      { projectKey: "mykey", projectKeyAddressSlug: `${p.fullPathSlug}-mykey`, ...opts.settings },
    );
    return p;
  });
  const ingest = async (raw: Buffer, o: { transport?: InboundTransport; envelopeTo?: string[] } = {}) => {
    const [stored] = await storeRaw(ds, settings, [raw], o);
    const result = await processInboundEmail(ds, settings, stored.id);
    return { stored, result };
  };
  return { settings, project, ingest };
};
