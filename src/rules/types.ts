import type { SyntaxNode } from '../parser/syntax.js';
import type { ModalModel } from '../model/model.js';
import type { RuleMeta, Severity } from '../diagnostics.js';

export interface RuleOption {
  type: 'string' | 'string[]' | 'number' | 'boolean';
  description: string;
  default: string | string[] | number | boolean;
  /** For a string option: the values it accepts. */
  values?: readonly string[];
}

/** Replace the UTF-16 range [start, end) of the source with `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * A fix for one finding. `safe` fixes keep behaviour (renames Modal made); `unsafe` ones change
 * behaviour a user must check (eager lookups becoming lazy) and run only with `--unsafe-fixes`.
 */
export interface Fix {
  safety: 'safe' | 'unsafe';
  /** Imperative, shown to the user: "Rename `keep_warm` to `min_containers`". */
  title: string;
  edits: TextEdit[];
}

export interface RuleContext<MessageId extends string> {
  model: ModalModel;
  /** Rule options with defaults filled in. */
  options: Readonly<Record<string, unknown>>;
  /** Reports a finding on a node; `{name}` placeholders in the message are filled from `data`. */
  report(node: SyntaxNode, messageId: MessageId, data?: Record<string, string | number>, fix?: Fix): void;
}

export interface Rule<MessageId extends string = string> extends RuleMeta {
  /** Message templates by id; reports name an id, never a literal text. */
  messages: Record<MessageId, string>;
  messageSeverities?: Partial<Record<MessageId, Severity>>;
  options?: Record<string, RuleOption>;
  /** Whether findings come with fixes; a rule with fixes documents them in `docs.fixSafety`. */
  fixAvailability?: 'always' | 'sometimes';
  check(ctx: RuleContext<MessageId>): void;
}

/** Typed constructor: a rule missing a doc field or naming an undeclared message does not compile. */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
