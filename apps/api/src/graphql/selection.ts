// What a resolver's query asks of its field, to start a read early (a yes never changes a result).
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/**
 * Does the field's selection ask for this path of fields (`["nodes", "searchSnippet"]`), fragments
 * included (the web app asks through them)? Type conditions are not checked: a yes only starts a read
 * early. A fragment is explored at most once per position in the path: once it said no there, it says no
 * again (and a cycle stops), so a document whose fragments spread each other twice over costs its size,
 * not its 2^n paths (limits.ts, queryDepth).
 */
export const asksFor = (info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, path: string[]) => {
  const explored = new Set<string>();
  const within = (set: SelectionSetNode | undefined, at: number): boolean =>
    at === path.length ||
    (set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === path[at] && within(s.selectionSet, at + 1);
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet, at);
      const key = `${at} ${s.name.value}`;
      if (explored.has(key)) return false;
      explored.add(key);
      return within(info.fragments[s.name.value]?.selectionSet, at);
    }) ??
      false);
  return info.fieldNodes.some((n) => within(n.selectionSet, 0));
};
