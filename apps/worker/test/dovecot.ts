// A throwaway Dovecot (IMAP only, loopback, plaintext auth, maildir) for the worker's integration tests,
// after ../shared/tools/dovecot-throwaway.sh. Started on a free port in a temp dir, stopped after.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "@tidings/db/free-port";
import { ImapFlow } from "imapflow";
import { ensureSystemDeps } from "../../../scripts/ensure-system-deps.ts";

export type Dovecot = {
  port: number;
  dir: string;
  url: (user?: string, mailbox?: string) => string;
  client: (user?: string) => Promise<ImapFlow>;
  append: (raw: Buffer | string, opts?: { user?: string; mailbox?: string }) => Promise<void>;
  /** UIDs and flags in a folder. */
  list: (mailbox?: string, user?: string) => Promise<{ uid: number; flags: string[] }[]>;
  setUidValidity: (value: number, opts?: { user?: string; mailbox?: string }) => void;
  stop: () => Promise<void>;
};

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

const waitForPort = async (port: number) => {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not listen on ${port}`);
};

/** Starts (again) the Dovecot of a directory made by startDovecot, on the same port. */
export const resumeDovecot = async (dir: string) => {
  // The daemon inherits stdio: with pipes, spawnSync would wait for it forever. Write to a file instead.
  const out = fs.openSync(path.join(dir, "start.log"), "w");
  const conf = path.join(dir, "dovecot.conf");
  const started = spawnSync("/usr/sbin/dovecot", ["-c", conf], { stdio: ["ignore", out, out], timeout: 10_000 });
  fs.closeSync(out);
  if (started.status !== 0) {
    throw new Error(`dovecot failed to start: ${fs.readFileSync(path.join(dir, "start.log"), "utf8")}`);
  }
  await waitForPort(Number(fs.readFileSync(path.join(dir, "port"), "utf8")));
};

/** Stops the Dovecot of a directory (an IMAP server going down); its mail stays for resumeDovecot. */
export const haltDovecot = async (dir: string) => {
  spawnSync("doveadm", ["-c", path.join(dir, "dovecot.conf"), "stop"], { stdio: "ignore", timeout: 10_000 });
  const port = Number(fs.readFileSync(path.join(dir, "port"), "utf8"));
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot still listens on ${port}`);
};

export const startDovecot = async (users = ["agent@test", "sd@test"]): Promise<Dovecot> => {
  ensureSystemDeps(["dovecot"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-dovecot-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  for (const d of ["run", "state", "mail"]) fs.mkdirSync(path.join(dir, d));
  const mailUser = isRoot() ? "nobody" : os.userInfo().username;
  const muid = Number(execFileSync("id", ["-u", mailUser]).toString().trim());
  const mgid = Number(execFileSync("id", ["-g", mailUser]).toString().trim());
  if (isRoot()) fs.chownSync(path.join(dir, "mail"), muid, mgid);
  fs.writeFileSync(path.join(dir, "users"), users.map((u) => `${u}:{PLAIN}secret\n`).join(""));
  const conf = path.join(dir, "dovecot.conf");
  let text = `instance_name = tidings-test-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${muid} gid=${mgid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  mailbox Archive {
    auto = create
    special_use = \\Archive
  }
  mailbox Trash {
    auto = create
    special_use = \\Trash
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  if (!isRoot()) {
    const group = execFileSync("id", ["-gn"]).toString().trim();
    text += `default_login_user = ${mailUser}\ndefault_internal_user = ${mailUser}\ndefault_internal_group = ${group}\n`;
    text += "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n";
  }
  fs.writeFileSync(conf, text);
  fs.writeFileSync(path.join(dir, "port"), String(port));
  await resumeDovecot(dir);

  const client = async (user = users[0]) => {
    const c = new ImapFlow({ host: "127.0.0.1", port, secure: false, auth: { user, pass: "secret" }, logger: false });
    c.on("error", () => {});
    await c.connect();
    return c;
  };
  const withClient = async <T>(user: string, fn: (c: ImapFlow) => Promise<T>) => {
    const c = await client(user);
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  return {
    port,
    dir,
    url: (user = users[0], mailbox = "INBOX") =>
      `imap://${encodeURIComponent(user)}:secret@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
    client,
    append: (raw, opts = {}) =>
      withClient(opts.user ?? users[0], async (c) => {
        await c.append(opts.mailbox ?? "INBOX", raw);
      }),
    list: (mailbox = "INBOX", user = users[0]) =>
      withClient(user, async (c) => {
        const lock = await c.getMailboxLock(mailbox);
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return [];
          const msgs = await c.fetchAll("1:*", { uid: true, flags: true });
          return msgs.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])] }));
        } finally {
          lock.release();
        }
      }),
    setUidValidity: (value, opts = {}) => {
      const args = ["-c", conf, "mailbox", "update", "-u", opts.user ?? users[0], "--uid-validity", String(value)];
      execFileSync("doveadm", [...args, opts.mailbox ?? "INBOX"], { stdio: "ignore", timeout: 10_000 });
    },
    stop: async () => {
      spawnSync("doveadm", ["-c", conf, "stop"], { stdio: "ignore", timeout: 10_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
