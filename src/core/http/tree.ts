export type TreeNode<T> = T & { children: TreeNode<T>[] | null };

/**
 * Nests an already ordered flat list by `parent_id` (contract §12.12): a row whose parent is
 * absent from the list (filtered out, or outside the caller's scope) becomes a root, siblings
 * keep the list's order, leaves get `children: null`. A corrupt parent cycle cannot hang it or
 * produce a circular structure: rows only attach to rows already seen as roots or descendants of
 * roots, and rows caught in a cycle are surfaced as roots.
 */
export function buildTree<T extends { id: number; parent_id: number | null }>(rows: T[]): TreeNode<T>[] {
  const nodes = new Map<number, TreeNode<T>>();
  for (const row of rows) nodes.set(row.id, { ...row, children: null });
  const roots: TreeNode<T>[] = [];
  const attached = new Set<number>();
  for (const node of nodes.values()) {
    const parent = node.parent_id === null ? undefined : nodes.get(node.parent_id);
    if (parent && parent !== node) {
      if (!parent.children) parent.children = [];
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  // Rows caught in a cycle are reachable from no root: surface them as roots instead of losing them.
  const visit = (list: TreeNode<T>[]) => {
    for (const n of list) {
      if (attached.has(n.id)) continue;
      attached.add(n.id);
      if (n.children) visit(n.children);
    }
  };
  visit(roots);
  for (const node of nodes.values()) {
    if (attached.has(node.id)) continue;
    for (const other of nodes.values()) {
      if (other.children?.includes(node)) other.children = other.children.filter((c) => c !== node);
      if (other.children?.length === 0) other.children = null;
    }
    roots.push(node);
    visit([node]);
  }
  return roots;
}
