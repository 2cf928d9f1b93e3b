import { BUILDER_REQUIREMENTS, DISTRIBUTIONS, NEWEST_BUILDER_VERSION, type DistributionFacts } from './tables.js';

export { NEWEST_BUILDER_VERSION } from './tables.js';
export type { DistributionFacts } from './tables.js';

/** A requirement reduced to what decides which modules exist: its name and extras. */
export interface Requirement {
  name: string;
  extras: string[];
}

/** PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeDistributionName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Reads one requirement specifier (`fastapi[standard]>=0.110 ; python_version>"3.9"`), dropping
 * markers and version specifiers but keeping extras. Undefined for what is not a named
 * requirement (a path, a URL, an option such as `-e` or `--index-url`).
 */
export function parseRequirement(spec: string): Requirement | undefined {
  const text = spec.split(';')[0]!.trim();
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(text);
  if (!match) return undefined;
  const rest = match[3]!.trim();
  // `name @ url` is still that name; anything else after the name must be a version specifier.
  if (rest && !/^(@|[<>=!~(]|===)/.test(rest)) return undefined;
  const extras = (match[2] ?? '').split(',').map((e) => normalizeDistributionName(e)).filter(Boolean);
  return { name: normalizeDistributionName(match[1]!), extras };
}

/** Tables a user may extend in config: more distributions, or more facts about known ones. */
export interface PackageTables {
  distributions: Readonly<Record<string, DistributionFacts>>;
}

export const DEFAULT_TABLES: PackageTables = { distributions: DISTRIBUTIONS };

/** Merges user-supplied facts over the built-in tables (names normalised; user facts win per field). */
export function extendTables(extra: Record<string, DistributionFacts> | undefined): PackageTables {
  if (!extra || Object.keys(extra).length === 0) return DEFAULT_TABLES;
  const distributions: Record<string, DistributionFacts> = { ...DISTRIBUTIONS };
  for (const [name, facts] of Object.entries(extra)) {
    const key = normalizeDistributionName(name);
    distributions[key] = { ...distributions[key], ...facts };
  }
  return { distributions };
}

/** The distributions a set of requirements installs, and whether any of them has unknown dependencies. */
export interface InstalledSet {
  distributions: Set<string>;
  /** Distributions whose dependencies or import names the tables do not know. */
  unknown: Set<string>;
}

/** The closure of the requirements over the dependency table. */
export function installedDistributions(requirements: readonly Requirement[], tables: PackageTables = DEFAULT_TABLES): InstalledSet {
  const distributions = new Set<string>();
  const unknown = new Set<string>();
  // What a set installs is the union of what each requirement installs, and each requirement's
  // closure is computed once per tables: images of a project repeat the same few requirements.
  for (const requirement of requirements) {
    const closure = closureOf(requirement, tables);
    for (const name of closure.distributions) distributions.add(name);
    for (const name of closure.unknown) unknown.add(name);
  }
  return { distributions, unknown };
}

const closures = new WeakMap<PackageTables, Map<string, { distributions: readonly string[]; unknown: readonly string[] }>>();
/** The table's dependency strings, parsed once each. */
const parsedDependencies = new Map<string, Requirement | undefined>();

function closureOf(requirement: Requirement, tables: PackageTables): { distributions: readonly string[]; unknown: readonly string[] } {
  let byKey = closures.get(tables);
  if (!byKey) closures.set(tables, (byKey = new Map()));
  const requestKey = `${normalizeDistributionName(requirement.name)}[${[...requirement.extras].sort().join(',')}]`;
  const known = byKey.get(requestKey);
  if (known) return known;
  const distributions = new Set<string>();
  const unknown = new Set<string>();
  const seen = new Set<string>();
  const queue: Requirement[] = [requirement];
  while (queue.length > 0) {
    const next = queue.pop()!;
    const name = normalizeDistributionName(next.name);
    const key = `${name}[${[...next.extras].sort().join(',')}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    distributions.add(name);
    const facts = tables.distributions[name];
    if (!facts?.requires) {
      unknown.add(name);
      continue;
    }
    for (const extra of ['', ...next.extras]) {
      const deps = facts.requires[extra];
      if (deps === undefined) {
        if (extra !== '') unknown.add(`${name}[${extra}]`);
        continue;
      }
      for (const dep of deps) {
        if (!parsedDependencies.has(dep)) parsedDependencies.set(dep, parseRequirement(dep));
        const parsed = parsedDependencies.get(dep);
        if (parsed) queue.push(parsed);
      }
    }
  }
  const closure = { distributions: [...distributions], unknown: [...unknown] };
  byKey.set(requestKey, closure);
  return closure;
}

/** Top-level modules a distribution provides. */
export function importNamesOf(distribution: string, tables: PackageTables = DEFAULT_TABLES): readonly string[] {
  const name = normalizeDistributionName(distribution);
  return tables.distributions[name]?.imports ?? [name.replace(/-/g, '_')];
}

/** Image builder versions the tables know. */
export const BUILDER_VERSIONS: readonly string[] = Object.keys(BUILDER_REQUIREMENTS);

/** Distributions the image builder installs in every container, for a builder version. */
export function builderDistributions(version: string = NEWEST_BUILDER_VERSION): readonly string[] | undefined {
  return BUILDER_REQUIREMENTS[version];
}

/**
 * Whether a set of installed distributions provides a top-level module: 'yes' when one of them
 * does, 'no' when none does and every one is known, 'unknown' otherwise (precision over recall).
 */
export function providesModule(installed: InstalledSet, topLevelModule: string, tables: PackageTables = DEFAULT_TABLES): 'yes' | 'no' | 'unknown' {
  for (const distribution of installed.distributions) {
    if (importNamesOf(distribution, tables).includes(topLevelModule)) return 'yes';
  }
  return installed.unknown.size > 0 ? 'unknown' : 'no';
}
