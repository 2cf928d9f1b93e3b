import type { RuleMeta } from '../diagnostics.js';
import type { Rule } from '../rules/types.js';

function fence(code: string): string {
  return '```python\n' + code + '\n```';
}

/** The rule's default severity, and the other severities some of its messages have. */
export function severityLabel(rule: RuleMeta): string {
  const others = [...new Set(Object.values(rule.messageSeverities ?? {}))].filter((severity) => severity !== undefined && severity !== rule.defaultSeverity);
  return [rule.defaultSeverity, ...others].join(' / ');
}

/** The messages of a rule whose default severity differs from the rule's, with that severity. */
function severitySection(rule: RuleMeta & Partial<Pick<Rule, 'messages'>>): string | null {
  const entries = Object.entries(rule.messageSeverities ?? {}).filter(([, severity]) => severity !== undefined);
  if (entries.length === 0) return null;
  const rows = entries.map(([id, severity]) => `- ${severity}: ${rule.messages?.[id] ?? `\`${id}\``}`);
  return `## Severity\n\nFindings are reported as ${rule.defaultSeverity}, except these messages, which default to another severity (a severity set for the rule in the configuration applies to all of them):\n\n${rows.join('\n')}`;
}

/** The documentation page of a rule, generated from its metadata (also used by `modal-lint explain`). */
export function renderRuleMarkdown(rule: RuleMeta & Partial<Pick<Rule, 'options' | 'messages'>>): string {
  const sections = [
    `# ${rule.id}`,
    `Category: ${rule.category} · Default severity: ${severityLabel(rule)}`,
    `${rule.summary}`,
    `## What it does\n\n${rule.docs.what}`,
    `## Why is this bad?\n\n${rule.docs.why}`,
    `## Example\n\n${fence(rule.docs.example)}`,
    `## Use instead\n\n${fence(rule.docs.useInstead)}`,
  ];
  if (rule.docs.fixSafety) sections.push(`## Fix safety\n\n${rule.docs.fixSafety}`);
  const severities = severitySection(rule);
  if (severities) sections.push(severities);
  const options = Object.entries(rule.options ?? {});
  if (options.length > 0) {
    const rows = options.map(([name, spec]) => `- \`${name}\` (${spec.type}, default \`${JSON.stringify(spec.default)}\`): ${spec.description}`);
    sections.push(`## Options\n\n${rows.join('\n')}\n\nSet them in config: \`[tool.modal-lint.rules]\` \`${rule.id} = { ${options[0]![0]} = ... }\`.`);
  }
  sections.push(`## References\n\n- ${rule.docs.link}`);
  return sections.join('\n\n') + '\n';
}

/** The rule table of the README. */
export function renderRuleTable(rules: readonly RuleMeta[]): string {
  const rows = rules.map((rule) => `| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.category} | ${severityLabel(rule)} | ${rule.summary.replace(/\|/g, '\\|')} |`);
  return ['| Rule | Category | Severity | What it finds |', '|---|---|---|---|', ...rows].join('\n');
}
