// Issue 10.5: under a search hit, the excerpt that matched with the matching words marked. The parts are
// plain text from the api (never HTML): React escapes them, and <mark> is the only element added.
import type { SearchSnippetSource } from "../../graphql/__generated__/schema.ts";
import type { SearchSnippet_IssueFragment } from "./__generated__/issues.ts";
import "./SearchSnippet.css";

const SOURCE_LABEL: Record<SearchSnippetSource, string> = {
  TITLE: "Title",
  DESCRIPTION: "Description",
  COMMENT: "Comment",
  INTERNAL_NOTE: "Internal note",
  REQUESTER: "Requester",
};

/**
 * Renders nothing outside a searched list (the row's issue then has no snippet), nor when only the title
 * matched: the row already shows the title, and a second line would cost the compact list its rows.
 */
export const SearchSnippet = ({ issue }: { issue: SearchSnippet_IssueFragment }) => {
  const snippet = issue.searchSnippet;
  if (!snippet?.parts.length || snippet.source === "TITLE") return null;
  return (
    <p className="search-snippet" data-testid="search-snippet" data-source={snippet.source}>
      <span className="search-snippet__source">{SOURCE_LABEL[snippet.source]}:</span>{" "}
      {snippet.parts.map((part, i) =>
        // The parts of one snippet never change order: their index is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        part.highlight ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
      )}
    </p>
  );
};
