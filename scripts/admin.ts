// `npm run admin -- <command> [--flag value …]`: create users, groups, projects and memberships (G5).
// Works on DATABASE_URL, or on the embedded database under DATA_DIR — the one a running `npm start`
// serves (the product keeps running), or started for the command when nothing runs.
import { parseArgs } from "node:util";
import { loadConfigOrExit } from "@tidings/config";
import { addMember, createGroup, createProject, createUser, DomainError } from "@tidings/core";
import {
  AccessLevel,
  connectAndMigrate,
  createDataSource,
  type EntityManager,
  runningEmbeddedUrl,
  embeddedOptionsFrom,
  startEmbeddedPostgres,
} from "@tidings/db";

const USAGE = `usage: npm run admin -- <command> [options]

commands:
  create-user     --username NAME --email ADDRESS --password SECRET [--name "Full Name"] [--admin]
  create-group    --path PATH [--name NAME] [--parent GROUP/PATH] [--visibility private|internal|public]
  create-project  --group GROUP/PATH --path PATH [--name NAME] [--visibility private|internal|public] [--service-desk]
  add-member      --username NAME (--project GROUP/PROJECT | --group GROUP/PATH) --role guest|reporter|developer|maintainer|owner`;

const ROLES: Record<string, AccessLevel> = {
  guest: AccessLevel.Guest,
  reporter: AccessLevel.Reporter,
  developer: AccessLevel.Developer,
  maintainer: AccessLevel.Maintainer,
  owner: AccessLevel.Owner,
};
const VISIBILITIES = ["private", "internal", "public"] as const;
type Visibility = (typeof VISIBILITIES)[number];

export const runAdminCommand = async (db: EntityManager, argv: string[]): Promise<string> => {
  const [command, ...rest] = argv;
  const { values: v } = parseArgs({
    args: rest,
    options: {
      username: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      admin: { type: "boolean" },
      path: { type: "string" },
      parent: { type: "string" },
      group: { type: "string" },
      project: { type: "string" },
      role: { type: "string" },
      visibility: { type: "string" },
      "service-desk": { type: "boolean" },
    },
    strict: true,
  });
  const need = (...names: (keyof typeof v)[]) => {
    const missing = names.filter((n) => v[n] === undefined);
    if (missing.length)
      throw new DomainError("INVALID_INPUT", `${command} needs ${missing.map((m) => `--${m}`).join(", ")}.`);
  };
  const visibility = (): Visibility | undefined => {
    if (v.visibility === undefined) return undefined;
    if (!(VISIBILITIES as readonly string[]).includes(v.visibility)) {
      throw new DomainError("INVALID_INPUT", "--visibility must be private, internal or public.");
    }
    return v.visibility as Visibility;
  };
  switch (command) {
    case "create-user": {
      need("username", "email", "password");
      const u = await createUser(db, {
        username: v.username as string,
        email: v.email as string,
        password: v.password as string,
        name: v.name,
        admin: v.admin ?? false,
      });
      return `created user ${u.username}${u.admin ? " (admin)" : ""}`;
    }
    case "create-group": {
      need("path");
      const g = await createGroup(db, {
        path: v.path as string,
        name: v.name,
        parentPath: v.parent,
        visibility: visibility(),
      });
      return `created group ${g.fullPath}`;
    }
    case "create-project": {
      need("group", "path");
      const p = await createProject(db, {
        groupPath: v.group as string,
        path: v.path as string,
        name: v.name,
        visibility: visibility(),
        serviceDeskEnabled: v["service-desk"] ?? false,
      });
      return `created project ${p.fullPath} (id ${p.id})`;
    }
    case "add-member": {
      need("username", "role");
      const accessLevel = ROLES[v.role as string];
      if (!accessLevel)
        throw new DomainError("INVALID_INPUT", `--role must be one of ${Object.keys(ROLES).join(", ")}.`);
      if (!!v.project === !!v.group)
        throw new DomainError("INVALID_INPUT", "add-member needs exactly one of --project or --group.");
      if (v.project) await addMember(db, { username: v.username as string, accessLevel, projectPath: v.project });
      else await addMember(db, { username: v.username as string, accessLevel, groupPath: v.group as string });
      return `${v.username} is ${v.role} of ${v.project ?? v.group}`;
    }
    default:
      throw new DomainError("INVALID_INPUT", USAGE);
  }
};

const main = async () => {
  const config = loadConfigOrExit();
  const argv = process.argv.slice(2);
  if (!argv.length || argv[0] === "--help") {
    console.log(USAGE);
    return;
  }
  // With the embedded database: use the cluster a running `npm start` serves, or start it for this command.
  const embeddedOptions = embeddedOptionsFrom(config);
  const running = config.DATABASE_URL ? null : await runningEmbeddedUrl(embeddedOptions.dataDir);
  const embedded = config.DATABASE_URL || running ? null : await startEmbeddedPostgres(embeddedOptions);
  const ds = createDataSource({
    url: config.DATABASE_URL ?? running ?? (embedded?.url as string),
    poolSize: 2,
    applicationName: "tidings-admin",
  });
  try {
    await connectAndMigrate(ds);
    console.log(await ds.transaction((m) => runAdminCommand(m, argv)));
  } catch (e) {
    if (e instanceof DomainError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error((e as Error).message);
      process.exitCode = 1;
    } else throw e;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await embedded?.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await main();
