export const StateBadge = ({ state }: { state: string }) => (
  <span className={`badge badge--${state === "closed" ? "closed" : "open"}`}>
    {state === "closed" ? "Closed" : "Open"}
  </span>
);

/** `compact`: the lock alone on screen (a list row), the word kept for screen readers. */
export const ConfidentialBadge = ({ compact = false }: { compact?: boolean }) => (
  <span
    className={`badge badge--confidential${compact ? " badge--compact" : ""}`}
    title="Confidential: visible to Reporters and above only"
  >
    <svg className="badge__icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z"
      />
    </svg>
    <span className={compact ? "visually-hidden" : undefined}>Confidential</span>
  </span>
);

export const InternalBadge = () => (
  <span className="badge badge--internal" title="Internal note: visible to project members only, never emailed">
    Internal note
  </span>
);

export const LabelPill = ({ title }: { title: string }) => <span className="label-pill">{title}</span>;
