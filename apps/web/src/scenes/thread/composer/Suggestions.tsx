import type { Suggestion } from "./quick-actions.ts";

/** The autocomplete list under the composer (commands, labels, members); the textarea keeps focus. */
export const Suggestions = ({
  id,
  items,
  active,
  onPick,
}: {
  id: string;
  items: Suggestion[];
  active: number;
  onPick: (s: Suggestion) => void;
}) => (
  <div id={id} className="suggestions" role="listbox" aria-label="Suggestions">
    {items.map((s, i) => (
      <div
        key={s.label}
        tabIndex={-1}
        id={`${id}-${i}`}
        role="option"
        aria-selected={i === active}
        className={i === active ? "suggestions__item suggestions__item--active" : "suggestions__item"}
        onMouseDown={(e) => {
          e.preventDefault();
          onPick(s);
        }}
      >
        <span className="suggestions__label">{s.label}</span> <span className="muted">{s.hint}</span>
      </div>
    ))}
  </div>
);
