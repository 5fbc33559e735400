// An instance's keys: from a configured secret, else a file generated once into DATA_DIR and shared by the
// api and the worker. One rule for every key (email links, stored credentials).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const readKey = (file: string, variable: string): Buffer => {
  const text = fs.readFileSync(file, "utf8").trim();
  if (text.length < 32) {
    throw new Error(`${file} holds no usable key: delete it to generate a new one, or set ${variable}.`);
  }
  return Buffer.from(text);
};

/** DATA_DIR's key, generated once: written under a temporary name and linked into place, so no process reads half a key. */
const keyFromDataDir = (dataDir: string, fileName: string, variable: string): Buffer => {
  const file = path.join(dataDir, fileName);
  try {
    return readKey(file, variable);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}`;
  fs.writeFileSync(tmp, `${crypto.randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return readKey(file, variable);
};

export type InstanceKeySource = {
  /** The configured secret; when unset the key file is used. */
  secret: string | null | undefined;
  dataDir: string;
  /** The key file's name in DATA_DIR. */
  file: string;
  /** The variable that sets the secret (named in errors). */
  variable: string;
};

const keys = new Map<string, Buffer>();
/** The key of a secret or of a DATA_DIR file, read once per process. */
export const instanceKey = (source: InstanceKeySource): Buffer => {
  if (source.secret) return Buffer.from(source.secret);
  const id = path.join(source.dataDir, source.file);
  let key = keys.get(id);
  if (!key) {
    key = keyFromDataDir(source.dataDir, source.file, source.variable);
    keys.set(id, key);
  }
  return key;
};
