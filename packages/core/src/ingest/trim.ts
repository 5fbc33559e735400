// Reply trimming (GitLab item 21, issue 12.2 and 12.3): what the person wrote, split from the history their
// client appended. Pure and linear in practice: every pattern runs on one line at a time, anchored at its
// start, on lines of at most ATTRIBUTION_MAX_CHARS (attributions) or on a fixed prefix (headers).
//
// The rules follow GitLab's email_reply_trimmer where it keeps what a responder needs, and deviate where it
// loses it (each deviation is named at its rule):
// - A history start cuts the message there, when something was written above it: an Outlook header block
//   (From/Sent/To/Subject, plain or bold, in many languages), an "-----Original Message-----" line, an
//   "On … wrote:" attribution that no quote line follows (the client pasted the history unquoted).
// - A trailing block of `>` quotes is trimmed with the attribution above it. Quotes followed by an answer
//   (inline and bottom-posted replies) stay: GitLab also drops an attribution above an inline reply and the
//   quote above a bottom-posted one; Tidings keeps both (issue 12.3).
// - The signature delimiter `-- ` cuts the rest into the collapsed part, as GitLab's delimiter rule does; a
//   sign-off without the delimiter ("Best regards,\nAda") has no rule and stays visible, as in GitLab. GitLab
//   also cuts at any line made only of `-_=*~#+,` (a Markdown rule, a lone bullet): Tidings does not, such
//   lines only go with a history start directly below them (Windows Mail's `____…`, Outlook web's rule).
// - A forwarded message ("---------- Forwarded message ---------", "Begin forwarded message:") is content the
//   customer wants read (lessons 11 and 8: gitlab#337598, #8415): from its marker on nothing is trimmed, and a
//   signature delimiter above it does not cut. GitLab trims it like a quote. Outlook's forwards carry only a
//   header block or "-----Original Message-----", indistinguishable from a reply's history: trimmed (kept in
//   the collapsed part).
// - A mobile signature ("Sent from my iPhone") right above the cut or at the end goes with the cut, as GitLab.
import { tidy } from "./content.ts";

export type TrimmedReply = { message: string; stripped: string };

export const REPLY_LIMITS = { maxChars: 64 * 1024, maxLineChars: 2_000 };

/** Attribution patterns run only on (joined) lines up to this length: real ones are far shorter. */
export const ATTRIBUTION_MAX_CHARS = 400;

type HeaderField = "from" | "date" | "to" | "cc" | "subject";

/**
 * One list of every pattern the trimmer knows (one source per rule):
 * - `header`: the field labels of a quoted header block, per language (Outlook and its localisations);
 * - `attribution`: "On … wrote:" lines; `dateFirst` forms are strong with a digit (they start with a date);
 * - `original`: a separator line that starts the quoted history ("-----Original Message-----");
 * - `forward`: a line that starts a forwarded message, kept as content;
 * - `mobile`: a client's automatic signature line ("Sent from my iPhone").
 * Attribution, original, forward and mobile patterns test the trimmed line, Markdown links unwrapped.
 */
export type TrimRule =
  | { kind: "header"; lang: string; field: HeaderField; labels: readonly string[] }
  | { kind: "attribution"; lang: string; dateFirst: boolean; re: RegExp }
  | { kind: "original"; lang: string; re: RegExp }
  | { kind: "forward"; lang: string; re: RegExp }
  | { kind: "mobile"; lang: string; re: RegExp };

export const TRIM_RULES: readonly TrimRule[] = [
  // Outlook (desktop, web, mobile), Windows Mail, Samsung Email, Gmail forwards: quoted header labels.
  { kind: "header", lang: "en", field: "from", labels: ["From"] },
  { kind: "header", lang: "en", field: "date", labels: ["Sent", "Date"] },
  { kind: "header", lang: "en", field: "to", labels: ["To", "Reply-To"] },
  { kind: "header", lang: "en", field: "cc", labels: ["Cc", "Bcc"] },
  { kind: "header", lang: "en", field: "subject", labels: ["Subject"] },
  { kind: "header", lang: "de", field: "from", labels: ["Von"] },
  { kind: "header", lang: "de", field: "date", labels: ["Gesendet", "Datum"] },
  { kind: "header", lang: "de", field: "to", labels: ["An", "Antwort an"] },
  { kind: "header", lang: "de", field: "subject", labels: ["Betreff"] },
  { kind: "header", lang: "fr", field: "from", labels: ["De", "Expéditeur"] },
  { kind: "header", lang: "fr", field: "date", labels: ["Envoyé", "Envoyé le"] },
  { kind: "header", lang: "fr", field: "to", labels: ["À", "A", "Destinataire", "Répondre à"] },
  { kind: "header", lang: "fr", field: "subject", labels: ["Objet"] },
  { kind: "header", lang: "it", field: "from", labels: ["Da"] },
  { kind: "header", lang: "it", field: "date", labels: ["Inviato", "Data"] },
  { kind: "header", lang: "it", field: "to", labels: ["A", "Rispondi a"] },
  { kind: "header", lang: "it", field: "subject", labels: ["Oggetto"] },
  { kind: "header", lang: "nl", field: "from", labels: ["Van"] },
  { kind: "header", lang: "nl", field: "date", labels: ["Verzonden", "Datum"] },
  { kind: "header", lang: "nl", field: "to", labels: ["Aan", "Beantwoorden - Aan"] },
  { kind: "header", lang: "nl", field: "subject", labels: ["Onderwerp"] },
  { kind: "header", lang: "es", field: "from", labels: ["De"] },
  { kind: "header", lang: "es", field: "date", labels: ["Enviado", "Enviado el", "Fecha"] },
  { kind: "header", lang: "es", field: "to", labels: ["Para", "Responder a"] },
  { kind: "header", lang: "es", field: "subject", labels: ["Asunto"] },
  { kind: "header", lang: "pt", field: "from", labels: ["De"] },
  { kind: "header", lang: "pt", field: "date", labels: ["Enviada em", "Enviado", "Data"] },
  { kind: "header", lang: "pt", field: "to", labels: ["Para"] },
  { kind: "header", lang: "pt", field: "subject", labels: ["Assunto"] },
  { kind: "header", lang: "sv", field: "from", labels: ["Från"] },
  { kind: "header", lang: "sv", field: "date", labels: ["Skickat", "Datum"] },
  { kind: "header", lang: "sv", field: "to", labels: ["Till"] },
  { kind: "header", lang: "sv", field: "cc", labels: ["Kopia"] },
  { kind: "header", lang: "sv", field: "subject", labels: ["Ämne"] },
  { kind: "header", lang: "da-no", field: "from", labels: ["Fra"] },
  { kind: "header", lang: "da-no", field: "date", labels: ["Sendt", "Dato"] },
  { kind: "header", lang: "da-no", field: "to", labels: ["Til"] },
  { kind: "header", lang: "da-no", field: "subject", labels: ["Emne"] },
  { kind: "header", lang: "pl-cs", field: "from", labels: ["Od"] },
  { kind: "header", lang: "pl-cs", field: "date", labels: ["Wysłano", "Wysłane", "Odesláno"] },
  { kind: "header", lang: "pl-cs", field: "to", labels: ["Do", "Komu"] },
  { kind: "header", lang: "pl-cs", field: "cc", labels: ["DW", "Kopie"] },
  { kind: "header", lang: "pl-cs", field: "subject", labels: ["Temat", "Předmět"] },
  { kind: "header", lang: "ru-uk", field: "from", labels: ["От", "Від"] },
  { kind: "header", lang: "ru-uk", field: "date", labels: ["Отправлено", "Надіслано", "Дата"] },
  { kind: "header", lang: "ru-uk", field: "to", labels: ["Кому"] },
  { kind: "header", lang: "ru-uk", field: "cc", labels: ["Копия", "Копія"] },
  { kind: "header", lang: "ru-uk", field: "subject", labels: ["Тема"] },
  { kind: "header", lang: "tr", field: "from", labels: ["Kimden"] },
  { kind: "header", lang: "tr", field: "date", labels: ["Gönderildi", "Tarih"] },
  { kind: "header", lang: "tr", field: "to", labels: ["Kime"] },
  { kind: "header", lang: "tr", field: "subject", labels: ["Konu"] },
  { kind: "header", lang: "ja", field: "from", labels: ["差出人", "送信者"] },
  { kind: "header", lang: "ja", field: "date", labels: ["送信日時", "日付"] },
  { kind: "header", lang: "ja", field: "to", labels: ["宛先"] },
  { kind: "header", lang: "ja", field: "subject", labels: ["件名"] },
  { kind: "header", lang: "zh", field: "from", labels: ["发件人", "寄件者", "寄件人"] },
  { kind: "header", lang: "zh", field: "date", labels: ["发送时间", "日期", "寄件日期", "傳送時間"] },
  { kind: "header", lang: "zh", field: "to", labels: ["收件人", "收件者"] },
  { kind: "header", lang: "zh", field: "cc", labels: ["抄送", "副本"] },
  { kind: "header", lang: "zh", field: "subject", labels: ["主题", "主旨"] },

  // "On … wrote:" attributions, date-first (an opening word, then the date) and name-first.
  { kind: "attribution", lang: "en", dateFirst: true, re: /^(?:On|At)\s.+\s(?:wrote|writes|said)\s*:?$/i },
  { kind: "attribution", lang: "en", dateFirst: false, re: /^.+\s(?:wrote|writes)(?:\s+on\s.+)?\s*:$/i },
  { kind: "attribution", lang: "fr", dateFirst: true, re: /^Le\s.+\sa\s+écrit\s*:?$/i },
  { kind: "attribution", lang: "fr", dateFirst: false, re: /^.+\sa\s+écrit(?:\s.+)?\s*:$/i },
  {
    kind: "attribution",
    lang: "de",
    dateFirst: true,
    re: /^Am\s.+\s(?:schrieb(?:\s.+)?\s*:|geschrieben\s*:?)$/i,
  },
  { kind: "attribution", lang: "de", dateFirst: false, re: /^.+\sschrieb(?:\s+am\s.+)?\s*:$/i },
  { kind: "attribution", lang: "es", dateFirst: true, re: /^El\s.+\sescribió\s*:?$/i },
  { kind: "attribution", lang: "es", dateFirst: false, re: /^.+\sescribió(?:\s.+)?\s*:$/i },
  { kind: "attribution", lang: "it", dateFirst: true, re: /^Il\s.+\sha\s+scritto\s*:?$/i },
  { kind: "attribution", lang: "it", dateFirst: false, re: /^.+\sha\s+scritto(?:\s.+)?\s*:$/i },
  {
    kind: "attribution",
    lang: "nl",
    dateFirst: true,
    re: /^Op\s.+\s(?:schreef(?:\s.+)?\s*:|het\s+volgende\s+geschreven\s*:?)$/i,
  },
  { kind: "attribution", lang: "nl", dateFirst: false, re: /^.+\sschreef(?:\s+op\s.+)?\s*:$/i },
  { kind: "attribution", lang: "pt", dateFirst: true, re: /^Em\s.+\sescreveu\s*:?$/i },
  { kind: "attribution", lang: "pt", dateFirst: false, re: /^.+\sescreveu(?:\s.+)?\s*:$/i },
  { kind: "attribution", lang: "ru", dateFirst: false, re: /^.+\s(?:пишет|написал|написала|написал\(а\))\s*:$/iu },
  { kind: "attribution", lang: "uk", dateFirst: false, re: /^.+\s(?:пише|написав|написала|написав\(ла\))\s*:$/iu },
  { kind: "attribution", lang: "pl", dateFirst: true, re: /^(?:W dniu|Dnia)\s.+\s(?:pisze|napisał\S*)\s*:$/iu },
  { kind: "attribution", lang: "pl", dateFirst: false, re: /^.+\s(?:pisze|napisał|napisała|napisał\(a\))\s*:$/iu },
  { kind: "attribution", lang: "sv-da-no", dateFirst: true, re: /^Den\s.+\sskrev(?:\s.+)?\s*:$/iu },
  { kind: "attribution", lang: "sv-da-no", dateFirst: false, re: /^.+\sskrev(?:\s.+)?\s*:$/iu },
  { kind: "attribution", lang: "ja", dateFirst: false, re: /^.+(?:さんは書きました|は書きました|のメール)\s*[:：]$/u },
  { kind: "attribution", lang: "zh", dateFirst: true, re: /^(?:在|於)\s*.+(?:写道|寫道)\s*[:：]?$/u },
  { kind: "attribution", lang: "zh", dateFirst: false, re: /^.+(?:写道|寫道)\s*[:：]?$/u },
  // Gmail in Russian, Japanese and others writes no verb: "пн, 30 нояб. 2026 г. в 10:00, Name <a@b>:".
  { kind: "attribution", lang: "any", dateFirst: true, re: /^.*\d{4}.*<[^<>]*@[^<>]*>\s*[:：]$/u },

  // Separators that start the quoted history (Outlook, Samsung Email, Foxmail…).
  {
    kind: "original",
    lang: "any",
    re: /^[*_]*-{2,}\s*(?:Original Message|Reply Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Message d’origine|Messaggio originale|Oorspronkelijk bericht|Origineel bericht|Mensaje original|Mensagem original|Originalmeddelande|Oprindelig meddelelse|Opprinnelig melding|Wiadomość oryginalna|Původní zpráva|Исходное сообщение|Вихідне повідомлення|Orijinal İleti|原始邮件|原始郵件|元のメッセージ)\s*-{2,}[*_]*$/iu,
  },

  // Forwarded messages: kept as content.
  {
    kind: "forward",
    lang: "any",
    re: /^[*_]*-{2,}\s*(?:Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada|Vidarebefordrat meddelande|Videresendt meddelelse|Videresendt melding|Przekazana wiadomość|Přeposlaná zpráva|Пересылаемое сообщение|Переслане повідомлення|İletilen ileti|転送されたメッセージ|转发的邮件|轉寄的郵件)\s*-{2,}[*_]*$/iu,
  },
  {
    kind: "forward",
    lang: "any",
    re: /^(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Début du message transféré|Inicio del mensaje reenviado|Inizio messaggio inoltrato|Begin doorgestuurd bericht|Início da mensagem reencaminhada|Começo da mensagem encaminhada|Vidarebefordrat brev|Начало переадресованного сообщения|転送されたメッセージ)\s*[:：]$/iu,
  },

  // Automatic signatures of mobile and desktop clients.
  {
    kind: "mobile",
    lang: "en",
    re: /^[(<]*(?:Sent (?:from|with|via) (?:my |Mail\b|Outlook\b|Yahoo\b|Samsung\b|Proton\b|BlackBerry\b|Android\b|iPhone\b|iPad\b).{0,80}|Get Outlook for \S+.{0,40})$/i,
  },
  { kind: "mobile", lang: "fr", re: /^Envoyé (?:de|depuis) (?:mon|ma|Yahoo|Outlook)\s.{1,60}$/i },
  { kind: "mobile", lang: "de", re: /^(?:Von meinem .{1,60} gesendet|Gesendet von meine[mr] .{1,60})\.?$/i },
  { kind: "mobile", lang: "es", re: /^Enviado desde mi .{1,60}$/i },
  { kind: "mobile", lang: "pt", re: /^Enviado do meu .{1,60}$/i },
  { kind: "mobile", lang: "it", re: /^Inviato da(?:l mio)? .{1,60}$/i },
  { kind: "mobile", lang: "nl", re: /^(?:Verzonden|Verstuurd) (?:vanaf|met) (?:mijn )?.{1,60}$/i },
  { kind: "mobile", lang: "sv-da-no", re: /^(?:Skickat från|Sendt fra) min .{1,60}$/iu },
  { kind: "mobile", lang: "pl", re: /^Wysłane z (?:mojego|mojej|aplikacji) .{1,60}$/iu },
  { kind: "mobile", lang: "ru-uk", re: /^(?:Отправлено|Надіслано) (?:с|з) .{1,60}$/iu },
  { kind: "mobile", lang: "ja", re: /^.{1,30}から送信$/u },
  { kind: "mobile", lang: "zh", re: /^(?:发自我的|從我的)\s?.{1,30}$/u },
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const headerFields = new Map<string, HeaderField>();
for (const r of TRIM_RULES) {
  if (r.kind === "header") for (const l of r.labels) headerFields.set(l.toLowerCase(), r.field);
}
/** `From:`, `**From:**`, `De :` (French spacing, also a no-break space), `差出人：`; the label, then the value. */
const HEADER_LINE = new RegExp(
  `^[\\s*]*(${[...headerFields.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join("|")})[\\s*]*[:：][\\s*]*(.*)$`,
  "iu",
);
/** A header label is never longer than this; the header pattern only ever reads a line's start. */
const HEADER_PREFIX_CHARS = 200;

const rulesOf = <K extends TrimRule["kind"]>(kind: K) =>
  TRIM_RULES.filter((r): r is Extract<TrimRule, { kind: K }> => r.kind === kind);
const ATTRIBUTIONS = rulesOf("attribution");
const ORIGINALS = rulesOf("original").map((r) => r.re);
const FORWARDS = rulesOf("forward").map((r) => r.re);
const MOBILES = rulesOf("mobile").map((r) => r.re);

/** `[text](url)` → `text`, `text<url>` → `text` (Outlook's plain-text links): signatures are matched on words. */
const withoutLinks = (line: string) => line.replace(/\[([^\]]*)\]\([^)\s]*\)/g, "$1").replace(/<https?:[^>\s]*>/g, "");

const isBlank = (line: string) => line.trim() === "";
const isQuote = (line: string) => line.trimStart().startsWith(">");
/** The signature delimiter `-- ` (trailing space already removed by tidy). */
const isSigDelimiter = (line: string) => line.trim() === "--";
/** A line drawn only of `_`, `-`, `*`, `=`, `—` (Windows Mail's `____…`, an HTML rule turned into `* * *`). */
const isRule = (line: string) => /^[\s_*=—-]+$/.test(line) && line.replace(/\s/g, "").length >= 3;
const matchesAny = (res: RegExp[], line: string) => {
  const t = line.trim();
  return t.length <= ATTRIBUTION_MAX_CHARS && res.some((re) => re.test(t));
};
const isOriginal = (line: string) => matchesAny(ORIGINALS, line);
const isForward = (line: string) => matchesAny(FORWARDS, line);
const isMobileSignature = (line: string) => matchesAny(MOBILES, withoutLinks(line));

const headerField = (line: string): { field: HeaderField; value: string } | null => {
  if (isQuote(line)) return null;
  const m = HEADER_LINE.exec(line.slice(0, HEADER_PREFIX_CHARS));
  const field = m ? headerFields.get(m[1].toLowerCase()) : undefined;
  return m && field ? { field, value: m[2].trim() } : null;
};

/**
 * A quoted header block starts at `i`: a From line with a value, then at least two more header lines (blank
 * lines between them allowed, as Outlook's HTML paragraphs give), one of them a date or a subject.
 */
const headerBlockAt = (lines: string[], i: number): boolean => {
  const first = headerField(lines[i]);
  if (first?.field !== "from" || first.value === "") return false;
  const seen = new Set<HeaderField>();
  let count = 1;
  for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
    if (isBlank(lines[j])) continue;
    const h = headerField(lines[j]);
    if (!h) break;
    seen.add(h.field);
    count++;
  }
  return count >= 3 && (seen.has("date") || seen.has("subject"));
};

type Attribution = { size: number; strength: 0 | 1 | 2 };
const NONE: Attribution = { size: 0, strength: 0 };

/** How strongly a (joined) line is an attribution: weak ("Bob wrote:") or strong (it holds a date or an address). */
const attributionOf = (text: string): { strength: 0 | 1 | 2; dateFirst: boolean } => {
  const t = text.trim();
  const rule = t === "" || t.length > ATTRIBUTION_MAX_CHARS ? undefined : ATTRIBUTIONS.find((r) => r.re.test(t));
  if (!rule) return { strength: 0, dateFirst: false };
  const strong = t.includes("@") || (/\d/.test(t) && (rule.dateFirst || /^\d/.test(t)));
  return { strength: strong ? 2 : 1, dateFirst: rule.dateFirst };
};

const isText = (line: string | undefined): line is string => line !== undefined && !isBlank(line) && !isQuote(line);

/**
 * Lines `i` and `i + 1` as one attribution the client wrapped (Gmail wraps at 78 characters, often inside the
 * address); `preferred` when the join is surely meant: a date-first form, or the first line leaves a `<` open.
 */
const wrappedAt = (lines: string[], i: number): (Attribution & { preferred: boolean }) | null => {
  const [first, second] = [lines[i], lines[i + 1]];
  if (!isText(first) || !isText(second) || !/[:：]\s*$/.test(second)) return null;
  const joined = attributionOf(`${first.trim()} ${second.trim()}`);
  if (!joined.strength) return null;
  const openAddress = first.split("<").length > first.split(">").length;
  return { size: 2, strength: joined.strength, preferred: joined.dateFirst || openAddress };
};

/** The attribution starting at line `i` (one line, or two when wrapped). */
const attributionAt = (lines: string[], i: number): Attribution => {
  if (!isText(lines[i])) return NONE;
  const wrapped = wrappedAt(lines, i);
  if (wrapped?.preferred) return wrapped;
  const one = attributionOf(lines[i]).strength;
  return one ? { size: 1, strength: one } : (wrapped ?? NONE);
};

/** The number of lines of an attribution ending at line `end - 1` (0 when there is none). */
const attributionEndingAt = (lines: string[], end: number): number => {
  const wrapped = end >= 2 ? wrappedAt(lines, end - 2) : null;
  if (wrapped?.preferred) return 2;
  if (end >= 1 && isText(lines[end - 1]) && attributionOf(lines[end - 1]).strength) return 1;
  return wrapped?.size ?? 0;
};

/** Where the history starts, or `lines.length`; `forward` tells whether a forwarded message is kept above it. */
const historyStart = (lines: string[]): { at: number; forward: boolean } => {
  let lastQuote = -1;
  for (let i = 0; i < lines.length; i++) if (isQuote(lines[i])) lastQuote = i;
  let written = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!isText(line)) continue;
    if (isForward(line)) return { at: lines.length, forward: true };
    if (
      written &&
      (isOriginal(line) || headerBlockAt(lines, i) || (i > lastQuote && attributionAt(lines, i).strength === 2))
    ) {
      return { at: i, forward: false };
    }
    if (!isRule(line) && !isMobileSignature(line)) written = true;
  }
  return { at: lines.length, forward: false };
};

/** The index of the first line of the trimmed part (`lines.length` when nothing is trimmed). */
const cutIndex = (lines: string[]): number => {
  const history = historyStart(lines);
  let cut = history.at;
  if (!history.forward) {
    const sig = lines.findIndex((l, i) => i < cut && isSigDelimiter(l));
    if (sig >= 0) cut = sig;
    // A trailing quote block (a client's signature may follow it), with the attribution above it.
    let end = cut;
    while (end > 0 && (isBlank(lines[end - 1]) || isMobileSignature(lines[end - 1]))) end--;
    if (end > 0 && isQuote(lines[end - 1])) {
      let start = end - 1;
      while (start > 0 && (isQuote(lines[start - 1]) || isBlank(lines[start - 1]))) start--;
      let above = start;
      while (above > 0 && isBlank(lines[above - 1])) above--;
      const attribution = attributionEndingAt(lines, above);
      cut = attribution ? above - attribution : start;
    }
  }
  // Blank lines, rules above a history start (`____…` of Windows Mail) and mobile signatures go with the cut.
  const hasHistory = cut < lines.length;
  while (
    cut > 0 &&
    (isBlank(lines[cut - 1]) || isMobileSignature(lines[cut - 1]) || (hasHistory && isRule(lines[cut - 1])))
  ) {
    cut--;
  }
  return cut;
};

/** True when every non-blank line is quoted with `>`. */
export const onlyQuotes = (text: string): boolean => {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length > 0 && lines.every((l) => l.trimStart().startsWith(">"));
};

const hasLongLine = (text: string, max: number): boolean => {
  let start = 0;
  for (let nl = text.indexOf("\n"); ; nl = text.indexOf("\n", start)) {
    const end = nl < 0 ? text.length : nl;
    if (end - start > max) return true;
    if (nl < 0) return false;
    start = nl + 1;
  }
};

/** Splits a reply into what the person wrote (`message`) and the history their client appended (`stripped`). */
export const trimReply = (text: string): TrimmedReply => {
  // Beyond these bounds the whole text is the message (issue 15.1): no pattern ever sees a huge input.
  if (text.length > REPLY_LIMITS.maxChars || hasLongLine(text, REPLY_LIMITS.maxLineChars)) {
    return { message: tidy(text), stripped: "" };
  }
  const lines = tidy(text).split("\n");
  const cut = cutIndex(lines);
  const message = tidy(lines.slice(0, cut).join("\n"));
  const stripped = tidy(lines.slice(cut).join("\n"));
  // Quote lines alone are not content (GitLab: an empty email).
  if (onlyQuotes(message)) return { message: "", stripped: tidy(lines.join("\n")) };
  return { message, stripped };
};
