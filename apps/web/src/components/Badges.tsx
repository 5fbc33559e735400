export const StateBadge = ({ state }: { state: string }) => (
  <span className={`badge badge--${state === "closed" ? "closed" : "open"}`}>
    {state === "closed" ? "Closed" : "Open"}
  </span>
);

export const ConfidentialBadge = () => (
  <span className="badge badge--confidential" title="Confidential: visible to Reporters and above only">
    <span aria-hidden="true">🔒 </span>Confidential
  </span>
);

export const InternalBadge = () => (
  <span className="badge badge--internal" title="Internal note: visible to project members only, never emailed">
    Internal note
  </span>
);

export const LabelPill = ({ title }: { title: string }) => <span className="label-pill">{title}</span>;
