/** The children of every leaf: one shared, frozen empty list (half the nodes of a tree are leaves). */
const NO_CHILDREN = Object.freeze([]) as unknown as SyntaxNode[];

/** A node of the Python syntax tree, copied out of tree-sitter into plain JavaScript. */
export class SyntaxNode {
  /** Filled by the parser (`addChild`) only; never change it afterwards. */
  children: SyntaxNode[] = NO_CHILDREN;
  isMissing = false;
  /** Set on the root: the tree holds ERROR or MISSING nodes, or an indentation error (`layoutError`). */
  hasError = false;
  /** Set on the root: the first indentation error that tree-sitter accepted but Python rejects. */
  layoutError: { node: SyntaxNode; detail: string } | null = null;
  /** The whole source text; shared by every node of a tree. */
  source = '';
  /** Set on the root by the parser: every descendant by type, in source order (what `descendants()` lists). */
  nodesByType: Map<string, SyntaxNode[]> | undefined;

  constructor(
    readonly type: string,
    /** The grammar field this node fills in its parent (`function`, `arguments`, `name`...). */
    readonly fieldName: string | null,
    readonly isNamed: boolean,
    /** Offsets and columns count UTF-16 code units; rows are 0-based. */
    readonly startIndex: number,
    readonly endIndex: number,
    readonly startRow: number,
    readonly startColumn: number,
    readonly endRow: number,
    readonly endColumn: number,
    readonly parent: SyntaxNode | null,
  ) {}

  /** Appends a child while the parser builds the tree. */
  addChild(child: SyntaxNode): void {
    if (this.children === NO_CHILDREN) this.children = [child];
    else this.children.push(child);
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  private named: readonly SyntaxNode[] | undefined;

  /** Named children other than comments; computed once (a tree never changes), shared and frozen. */
  get namedChildren(): SyntaxNode[] {
    this.named ??= this.children === NO_CHILDREN ? NO_CHILDREN : Object.freeze(this.children.filter((child) => child.isNamed && child.type !== 'comment'));
    return this.named as SyntaxNode[];
  }

  field(name: string): SyntaxNode | null {
    // An indexed loop: this is the most called method of the analysis.
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i]!.fieldName === name) return children[i]!;
    return null;
  }

  fields(name: string): SyntaxNode[] {
    return this.children.filter((child) => child.fieldName === name);
  }

  /** Every descendant in source order (pre-order; iterative, so deep trees cannot overflow the stack). */
  descendants(): SyntaxNode[] {
    const result: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [];
    for (let i = this.children.length - 1; i >= 0; i--) stack.push(this.children[i]!);
    while (stack.length > 0) {
      const node = stack.pop()!;
      result.push(node);
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    return result;
  }

  *ancestors(): Generator<SyntaxNode> {
    for (let node = this.parent; node; node = node.parent) yield node;
  }

  /** True when `other` is this node or lies inside it. */
  contains(other: SyntaxNode): boolean {
    return other.startIndex >= this.startIndex && other.endIndex <= this.endIndex && this.encloses(other);
  }

  private encloses(other: SyntaxNode): boolean {
    for (let node: SyntaxNode | null = other; node; node = node.parent) if (node === this) return true;
    return false;
  }
}
