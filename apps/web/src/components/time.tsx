const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

export const formatRelative = (iso: string, now = Date.now()): string => {
  let value = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return absolute.format(new Date(iso));
};

export const Time = ({ iso }: { iso: string | null | undefined }) =>
  iso ? (
    <time dateTime={iso} title={absolute.format(new Date(iso))}>
      {formatRelative(iso)}
    </time>
  ) : null;

export const AbsoluteTime = ({ iso }: { iso: string | null | undefined }) =>
  iso ? <time dateTime={iso}>{absolute.format(new Date(iso))}</time> : <span>—</span>;

/** "5m", "3h", "3d", "7w", "4mo", "2y": a list's age column (issue 10.3), read with its full date on hover. */
export const compactAge = (iso: string, now = Date.now()): { short: string; long: string } => {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  const unit = (n: number, s: string, word: string) => ({
    short: `${n}${s}`,
    long: `${n} ${word}${n === 1 ? "" : "s"}`,
  });
  if (minutes < 1) return { short: "now", long: "under a minute" };
  if (minutes < 60) return unit(minutes, "m", "minute");
  if (minutes < 48 * 60) return unit(Math.floor(minutes / 60), "h", "hour");
  const days = Math.floor(minutes / 1440);
  if (days < 28) return unit(days, "d", "day");
  if (days < 90) return unit(Math.floor(days / 7), "w", "week");
  if (days < 730) return unit(Math.floor(days / 30), "mo", "month");
  return unit(Math.floor(days / 365), "y", "year");
};

/** The age since `iso`: short on screen, the exact date on hover, the words for a screen reader. */
export const Age = ({ iso, now }: { iso: string; now?: number }) => {
  const age = compactAge(iso, now);
  return (
    <time dateTime={iso} title={absolute.format(new Date(iso))}>
      <span aria-hidden="true">{age.short}</span>
      <span className="visually-hidden">{age.long} old</span>
    </time>
  );
};
