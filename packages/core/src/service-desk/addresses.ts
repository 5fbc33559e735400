import type { ProjectEntity, ServiceDeskSettingEntity } from "@tidings/db";
import { addressForKey, encodeKey } from "./mail-key-codec.ts";

/** The instance's configured mailboxes; each contains %{key} in its local part (C2). */
export type MailAddressConfig = { incomingEmailAddress: string; serviceDeskEmailAddress?: string | null };

export { addressForKey, keyFromAddress } from "./mail-key-codec.ts";

/** GitLab's default sub-address part: "<full_path_slug>-<project id>-issue-". */
export const defaultKey = (project: Pick<ProjectEntity, "id" | "fullPathSlug">) =>
  encodeKey({ kind: "service_desk", slug: project.fullPathSlug, projectId: project.id });

export const incomingAddress = (cfg: MailAddressConfig, project: Pick<ProjectEntity, "id" | "fullPathSlug">) =>
  addressForKey(cfg.incomingEmailAddress, defaultKey(project));

/** The alias address (SERVICE_DESK_EMAIL_ADDRESS) with the suffix, or the default key without one. */
export const aliasAddress = (
  cfg: MailAddressConfig,
  project: Pick<ProjectEntity, "id" | "fullPathSlug">,
  settings: Pick<ServiceDeskSettingEntity, "projectKey"> | null,
) => {
  if (!cfg.serviceDeskEmailAddress) return null;
  const key = settings?.projectKey
    ? encodeKey({ kind: "service_desk_key", slug: project.fullPathSlug, projectKey: settings.projectKey })
    : defaultKey(project);
  return addressForKey(cfg.serviceDeskEmailAddress, key);
};

/** The address shown to Reporter+ (B2): alias when configured, else the incoming address; null when disabled. */
export const serviceDeskAddress = (
  cfg: MailAddressConfig,
  project: Pick<ProjectEntity, "id" | "fullPathSlug" | "serviceDeskEnabled">,
  settings: Pick<ServiceDeskSettingEntity, "projectKey"> | null,
) => (project.serviceDeskEnabled ? (aliasAddress(cfg, project, settings) ?? incomingAddress(cfg, project)) : null);

/** Every address of the project, used to keep our own addresses out of Cc participants. */
export const allServiceDeskAddresses = (
  cfg: MailAddressConfig,
  project: Pick<ProjectEntity, "id" | "fullPathSlug">,
  settings: Pick<ServiceDeskSettingEntity, "projectKey"> | null,
) => [incomingAddress(cfg, project), aliasAddress(cfg, project, settings)].filter((a): a is string => !!a);
