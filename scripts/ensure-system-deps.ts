// Installs the Debian packages the tests need and npm cannot provide (dovecot-imapd, chromium),
// when they are missing and we are root; otherwise explains exactly what to install.
// usage: node --import tsx scripts/ensure-system-deps.ts dovecot chromium
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { childEnv } from "@tidings/config";

const PACKAGES: Record<string, { binary: string; debs: string[] }> = {
  dovecot: { binary: "/usr/sbin/dovecot", debs: ["dovecot-imapd"] },
  chromium: { binary: "/usr/bin/chromium", debs: ["chromium"] },
  // The Microsoft Graph tests make a certificate for their local HTTPS server.
  openssl: { binary: "/usr/bin/openssl", debs: ["openssl"] },
  // The spam screening tests run a real SpamAssassin spamd (issue 13.3).
  spamd: { binary: "/usr/sbin/spamd", debs: ["spamd"] },
};

export const ensureSystemDeps = (names: string[]) => {
  const missing = names.filter((n) => {
    const p = PACKAGES[n];
    if (!p) throw new Error(`unknown system dependency ${n}; known: ${Object.keys(PACKAGES).join(", ")}`);
    return !fs.existsSync(p.binary);
  });
  if (!missing.length) return;
  const debs = missing.flatMap((n) => PACKAGES[n].debs);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `The tests need ${debs.join(", ")}. Install them with:\n  sudo apt-get install -y ${debs.join(" ")}`,
    );
  }
  console.log(`installing ${debs.join(", ")} with apt-get (once per machine)…`);
  const env = childEnv({ DEBIAN_FRONTEND: "noninteractive" });
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  if (update.status !== 0) throw new Error("apt-get update failed");
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...debs], { stdio: "inherit", env });
  // Debian's dovecot package starts a system instance on ports 143/993; the tests run their own.
  if (missing.includes("dovecot")) spawnSync("service", ["dovecot", "stop"], { stdio: "ignore" });
  // Likewise spamd on port 783: the tests start their own on a free port.
  if (missing.includes("spamd")) spawnSync("service", ["spamd", "stop"], { stdio: "ignore" });
};

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureSystemDeps(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
