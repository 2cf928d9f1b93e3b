import path from 'node:path';
import { PathPatterns } from './patterns.js';
import type { ResolvedConfig } from './types.js';

interface CompiledPerFileIgnore {
  patterns: PathPatterns;
  negated: boolean;
  rules: readonly string[];
}

const compiledByConfig = new WeakMap<ResolvedConfig, CompiledPerFileIgnore[]>();

function compile(config: ResolvedConfig): CompiledPerFileIgnore[] {
  let compiled = compiledByConfig.get(config);
  if (!compiled) {
    compiled = config.perFileIgnores.map(({ pattern, rules }) => {
      // Like Ruff, `!pattern` applies the entry to every file the pattern does not match.
      const negated = pattern.startsWith('!');
      return {
        patterns: new PathPatterns(config.baseDir, [negated ? pattern.slice(1) : pattern]),
        negated,
        rules,
      };
    });
    compiledByConfig.set(config, compiled);
  }
  return compiled;
}

/** Rule ids that `per-file-ignores` turns off for the file at `absolutePath`. */
export function rulesIgnoredForFile(config: ResolvedConfig, absolutePath: string): Set<string> {
  const ignored = new Set<string>();
  const file = path.resolve(absolutePath);
  for (const entry of compile(config)) {
    if (entry.patterns.matches(file, false) !== entry.negated) {
      for (const rule of entry.rules) ignored.add(rule);
    }
  }
  return ignored;
}
