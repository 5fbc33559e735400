// What a resolver's query asks of its field, to start a read early (a yes never changes a result).
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/**
 * Does the field's selection ask for this path of fields (`["nodes", "searchSnippet"]`), fragments
 * included (the web app asks through them)? Type conditions are not checked: a yes only starts a read
 * early.
 */
export const asksFor = (info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, path: string[]) => {
  const within = (set: SelectionSetNode | undefined, rest: string[], seen: Set<string>): boolean =>
    !rest.length ||
    (set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === rest[0] && within(s.selectionSet, rest.slice(1), seen);
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet, rest, seen);
      const name = s.name.value;
      if (seen.has(name)) return false;
      return within(info.fragments[name]?.selectionSet, rest, new Set([...seen, name]));
    }) ??
      false);
  return info.fieldNodes.some((n) => within(n.selectionSet, path, new Set()));
};
