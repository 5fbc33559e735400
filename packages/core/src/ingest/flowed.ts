// Issue 12.1: `format=flowed` (RFC 3676), Thunderbird's default. mailparser's decoder joins a soft-broken
// line with the next whatever their quote depth, so "Works now! On … wrote:" swallowed the quote's first
// line, and quote markers ended up mid-line: the reply was trimmed as a quote and stored empty. Tidings
// turns mailparser's decoding off for such parts (the raw message is kept as it came) and decodes here, by
// the RFC: lines join only at the same quote depth, space-stuffing is removed, DelSp is honoured. Pure.

/** Lines of a header block (with their folded continuations) that belong to a Content-Type header. */
const contentTypeLines = (lines: string[]): Set<number> => {
  const found = new Set<number>();
  let inside = false;
  for (const [i, line] of lines.entries()) {
    if (/^content-type\s*:/i.test(line)) inside = true;
    else if (!/^[ \t]/.test(line)) inside = false;
    if (inside) found.add(i);
  }
  return found;
};

const FLOWED = /(format\s*=\s*)"?flowed"?/i;
const DELSP = /delsp\s*=\s*"?yes"?/i;

const MENTION = /format\s*=\s*"?flowed/i;
/** Bytes searched per slice, and the overlap between slices (longer than any match the test needs). */
const SLICE_BYTES = 1024 * 1024;
const OVERLAP_BYTES = 256;

/**
 * Whether `format=flowed` appears anywhere, read a slice at a time: a whole 25 MB message as one string
 * would cost its size again (issue 14, worker memory). A match of more than OVERLAP_BYTES (that much white
 * space around the `=`) is not looked for.
 */
const mentionsFlowed = (raw: Buffer): boolean => {
  for (let start = 0; start < raw.length; start += SLICE_BYTES) {
    if (MENTION.test(raw.toString("latin1", start, start + SLICE_BYTES + OVERLAP_BYTES))) return true;
  }
  return false;
};

/**
 * The message with every `format=flowed` Content-Type parameter set to `fixed` (so the parser leaves the
 * lines as sent), and whether there was one and whether it asked for DelSp. Bytes are read as latin1, so
 * every byte survives the round trip.
 */
export const withoutFlowed = (raw: Buffer): { raw: Buffer; flowed: boolean; delSp: boolean } => {
  if (!mentionsFlowed(raw)) return { raw, flowed: false, delSp: false };
  const text = raw.toString("latin1");
  const lines = text.split("\n");
  let flowed = false;
  let delSp = false;
  for (const i of contentTypeLines(lines)) {
    if (!FLOWED.test(lines[i])) continue;
    flowed = true;
    lines[i] = lines[i].replace(FLOWED, "$1fixed");
  }
  if (!flowed) return { raw, flowed: false, delSp: false };
  for (const i of contentTypeLines(lines)) if (DELSP.test(lines[i])) delSp = true;
  return { raw: Buffer.from(lines.join("\n"), "latin1"), flowed, delSp };
};

type Line = { depth: number; text: string; soft: boolean };

const readLine = (line: string): Line => {
  let depth = 0;
  while (line[depth] === ">") depth++;
  let text = line.slice(depth);
  // Space-stuffing: one space after the quote marks (or at the start) belongs to the transport.
  if (text.startsWith(" ")) text = text.slice(1);
  // The signature separator "-- " is never a soft break.
  const soft = text.endsWith(" ") && text !== "-- ";
  return { depth, text, soft };
};

/** Decodes format=flowed text (RFC 3676 §4): soft breaks join lines of the same quote depth only. */
export const decodeFlowed = (text: string, delSp: boolean): string => {
  const out: string[] = [];
  let current: Line | null = null;
  const emit = (l: Line) => out.push(l.depth > 0 ? `${">".repeat(l.depth)} ${l.text}` : l.text);
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = readLine(raw);
    if (current?.soft && current.depth === line.depth) {
      const head: string = delSp ? current.text.slice(0, -1) : current.text;
      current = { depth: line.depth, text: head + line.text, soft: line.soft };
      continue;
    }
    if (current) emit(current);
    current = line;
  }
  if (current) emit(current);
  return out.map((l) => l.replace(/ +$/, "")).join("\n");
};
