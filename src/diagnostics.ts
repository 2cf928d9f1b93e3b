/** Data shared by the engine and the reporters. Reporters never know a rule by name. */

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line; column is 1-based and counts UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

/** `end` is exclusive: the column just after the last flagged character. */
export interface Range {
  start: Position;
  end: Position;
}

export interface DiagnosticFix {
  safety: 'safe' | 'unsafe';
  title: string;
  /** Edits by UTF-16 offset range into the file's source; applied together or not at all. */
  edits: Array<{ start: number; end: number; text: string }>;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  fix?: DiagnosticFix;
}

export interface FileResult {
  /** Absolute path on disk (for stdin: the resolved `--stdin-filename`). */
  path: string;
  /** Path relative to the report root, forward slashes. */
  relativePath: string;
  /** Source text, when the file could be read; reporters use it to show lines. */
  source?: string;
  diagnostics: Diagnostic[];
  /** Set when the file could not be linted at all (unreadable, vanished, not a file). */
  failure?: string;
  /** Non-fatal remarks about the input (e.g. invalid UTF-8 replaced). */
  notices?: string[];
}

export type Category = 'correctness' | 'security' | 'performance' | 'cost' | 'reliability' | 'style' | 'suppression' | 'syntax';

export interface RuleDocs {
  what: string;
  why: string;
  example: string;
  useInstead: string;
  fixSafety?: string;
  /** Link to the Modal documentation page behind the rule. */
  link: string;
}

/** What reporters and docs need to know about a rule (no behaviour). */
export interface RuleMeta {
  id: string;
  category: Category;
  defaultSeverity: Severity;
  /** One sentence, used as SARIF shortDescription and in the rule table. */
  summary: string;
  docs: RuleDocs;
  /**
   * Default severities of some of the rule's messages, where they differ from `defaultSeverity`
   * (a likely failure and a convention reported by one rule). A severity configured for the
   * rule applies to all its messages.
   */
  messageSeverities?: Readonly<Partial<Record<string, Severity>>>;
  /** SARIF `precision` property. */
  precision: 'very-high' | 'high' | 'medium' | 'low';
  tags: string[];
  /** For `security` rules: GitHub's `security-severity` score, 0.0 to 10.0 (7.0 and up is high). */
  securitySeverity?: number;
}

export interface LintReport {
  /** Directory that relative paths and SARIF `%SRCROOT%` refer to (absolute). */
  root: string;
  files: FileResult[];
  /** Every rule enabled for this run, in a stable order. */
  rules: RuleMeta[];
  /** The configured severity of each enabled rule (may differ from its default). */
  severities: Record<string, Severity>;
  toolVersion: string;
}
