import type { SyntaxNode } from '../parser/syntax.js';
import { moduleLevelCallableFact, type CallableFact } from './call-signatures.js';
import { callArguments, unwrapParens, type ModalModel, type Registration } from './model.js';

/**
 * Questions about the whole project (every file of the run), answered by the project index.
 * Each answer is conservative: `null` or `true` whenever the files cannot settle the question.
 */
export interface ProjectQueries {
  /**
   * The names that Apps of the project called `appName` register (functions, classes, servers),
   * or null when the project defines no App by that name. `complete` is false when some
   * registration cannot be read (a computed name, a loop, a splat, `app.include(...)`, the App
   * passed to other code).
   */
  registrationsOfApp(fromPath: string, appName: string): AppRegistrations | null;
  /** True when some file of the project may call `.with_options(gpu=...)` on the function or class called `name`. */
  gpuGivenByOptions(fromPath: string, names: readonly string[]): boolean;
  /** The files of the run that define an App called `appName` at module level, with what each does with it. */
  appDefinitionsNamed(fromPath: string, appName: string): AppDefinitionSite[];
}

/** What one module does with the Apps it defines: plain data, kept per file by the project index. */
export interface AppDefinitionFact {
  /** The App's name, resolved to a string. */
  name: string;
  variable: string;
  /** Something is registered on it in this module (`@app.function`, `@app.cls`, `@app.server`). */
  registers: boolean;
  /** `app.include(...)`, or the App given to another App's `include`: its functions are deployed with another App. */
  includes: boolean;
}

/** A module that defines an App by a given name, as `appDefinitionsNamed` reports it. */
export interface AppDefinitionSite {
  file: string;
  registers: boolean;
  includes: boolean;
  /** Project files the module imports (anywhere in it), and files of the run that import it at module level. */
  importedFiles: string[];
  importers: string[];
  /** Some file importing the module combines Apps with `.include(...)`. */
  includedByImporter: boolean;
}

export interface AppRegistrations {
  names: Set<string>;
  /**
   * What each deployed name accepts, for registrations whose signature is read; null for a name
   * registered more than once with different facts (several Apps of that name, or a name reused).
   */
  callables: Map<string, CallableFact | null>;
  complete: boolean;
  /** Files that define the App. */
  files: string[];
}

/** Registration kinds that deploy an object `Function.from_name` / `Cls.from_name` can find. */
const DEPLOYED_KINDS = new Set(['function', 'cls', 'server']);
/** `app.<attribute>` uses that neither register nor hand the App to other code. */
const HARMLESS_APP_ATTRIBUTES = new Set(['run', 'deploy', 'name', 'app_id', 'description', 'image', 'set_description', 'local_entrypoint']);
const OPTION_METHODS = new Set(['with_options', 'with_concurrency', 'with_batching']);
const LOOKUPS = new Set(['modal.Function.from_name', 'modal.Cls.from_name', 'modal.Function.lookup', 'modal.Cls.lookup']);

/** The deployed name of a registration (`name=`, else the Python name), or null when it cannot be read. */
export function deployedNameOf(model: ModalModel, registration: Registration): string | null {
  if (registration.args.hasSplat) return null;
  const nameNode = registration.args.keywords.get('name');
  if (nameNode) {
    const value = model.resolve(nameNode);
    return value.kind === 'str' ? value.value : null;
  }
  return registration.target?.field('name')?.text ?? null;
}

/** Ancestors that make a registration run more than once, or under a name known only at run time. */
const DYNAMIC_CONTEXTS = new Set(['function_definition', 'lambda', 'class_definition', 'for_statement', 'while_statement', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension', 'generator_expression']);

function isStaticRegistration(registration: Registration): boolean {
  const start = registration.decorator ?? registration.node;
  for (const ancestor of start.ancestors()) if (DYNAMIC_CONTEXTS.has(ancestor.type)) return false;
  return true;
}

/**
 * The names registered on the App that `local` names in a module, and whether every use of
 * `local` there is understood (a registration, or an attribute that registers nothing).
 */
export function registrationsThrough(model: ModalModel, local: string): { names: string[]; callables: Record<string, CallableFact>; complete: boolean } {
  const names: string[] = [];
  const callables: Record<string, CallableFact> = {};
  let complete = true;
  const byAppNode = new Map(model.registrations.map((registration) => [registration.appNode, registration]));
  for (const node of model.identifiersNamed(local)) {
    const parent = node.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && node.fieldName === 'attribute') continue; // `self.app`, `config.app`: another object
    if (parent.type === 'keyword_argument' && node.fieldName === 'name') continue;
    if (parent.type === 'assignment' && node.fieldName === 'left') continue;
    if (parent.type === 'dotted_name' || parent.type === 'aliased_import' || parent.type === 'import_from_statement') continue;
    if (parent.type === 'attribute' && node.fieldName === 'object') {
      const attribute = parent.field('attribute')?.text ?? '';
      const registration = byAppNode.get(node);
      if (registration) {
        if (!DEPLOYED_KINDS.has(registration.kind)) continue;
        const name = isStaticRegistration(registration) ? deployedNameOf(model, registration) : null;
        if (name === null) complete = false;
        else {
          names.push(name);
          const fact = moduleLevelCallableFact(model, registration);
          if (fact) callables[name] = fact;
        }
        continue;
      }
      if (HARMLESS_APP_ATTRIBUTES.has(attribute)) continue;
    }
    // The App handed to other code (`register(app)`), `app.include(...)`, or a use the model does not read.
    complete = false;
  }
  return { names, callables, complete };
}

/** Adds one module's callables of an App to what the project knows of it; a name seen twice with other facts becomes unknown. */
export function mergeCallables(into: Map<string, CallableFact | null>, callables: Record<string, CallableFact>): void {
  for (const [name, fact] of Object.entries(callables)) {
    const known = into.get(name);
    if (known === undefined) into.set(name, fact);
    else if (known !== null && JSON.stringify(known) !== JSON.stringify(fact)) into.set(name, null);
  }
}

/** The Apps a module defines at module level, with their resolved names and what is registered on them in the module. */
export function appsDefinedIn(model: ModalModel): Array<{ name: string | null; variable: string | null; names: string[]; callables: Record<string, CallableFact>; complete: boolean }> {
  return model.apps.filter((app) => app.constructor !== 'lookup').map((app) => {
    const value = model.resolve(app.nameNode);
    const name = value.kind === 'str' ? value.value : null;
    const variable = app.variable && /^\w+$/.test(app.variable) ? app.variable : null;
    const assignedOnce = variable !== null && model.nodesOfType('assignment').filter((a) => a.field('left')?.text === variable).length === 1;
    if (!variable || !assignedOnce || app.call.parent?.parent?.parent?.type !== 'module') return { name, variable, names: [], callables: {}, complete: false };
    return { name, variable, ...registrationsThrough(model, variable) };
  });
}

/**
 * The Apps a module defines once, at module level, under a name that resolves to a string (an App
 * whose name is computed at run time is left out: it may differ per deployment).
 */
export function appDefinitionFacts(model: ModalModel, apps: ReturnType<typeof appsDefinedIn> = appsDefinedIn(model)): AppDefinitionFact[] {
  const facts: AppDefinitionFact[] = [];
  for (const app of apps) {
    if (app.name === null || app.variable === null) continue;
    const variable = app.variable;
    const registers = model.registrations.some((registration) => DEPLOYED_KINDS.has(registration.kind) && registration.appNode.text === variable);
    const escaped = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const includes = new RegExp(`\\b${escaped}\\s*\\.\\s*include\\s*\\(|\\.include\\s*\\(\\s*(other_app\\s*=\\s*)?${escaped}\\b`).test(model.source);
    facts.push({ name: app.name, variable, registers, includes });
  }
  return facts;
}

/** The project files a module imports anywhere in it (`from .jobs import x` names `jobs.py`, `from . import jobs` too). */
export function importedProjectFiles(model: ModalModel): string[] {
  const files = new Set<string>();
  for (const binding of model.imports) {
    const module = model.moduleFileOf(binding);
    if (module) files.add(module);
    if (binding.importedName && binding.importedName !== '*') {
      const submodule = model.moduleFileOf({ module: binding.module ? `${binding.module}.${binding.importedName}` : binding.importedName, level: binding.level });
      if (submodule) files.add(submodule);
    }
  }
  files.delete(model.path);
  return [...files];
}

/**
 * How a module reaches the App `variable` of the module at `definingFile`: the local names
 * `from ... import variable` binds, and whether some other import form hides a use
 * (`import common` then `common.app.function`, `from common import *`).
 */
export function importsOfApp(model: ModalModel, definingFile: string, variable: string): { locals: string[]; complete: boolean } {
  const locals: string[] = [];
  let complete = true;
  for (const binding of model.imports) {
    if (model.moduleFileOf(binding) !== definingFile) continue;
    if (binding.importedName === variable) locals.push(binding.localName);
    else if (binding.importedName === '*') complete = false;
    else if (binding.importedName === undefined && model.source.includes(`.${variable}`)) complete = false;
  }
  return { locals, complete };
}

/**
 * The names `.with_options(...)` calls of a module may give a GPU to: the class or function
 * name of the receiver, or `*` when the receiver cannot be read. Calls without `gpu=` (and
 * without a `**` splat that may hold it) give none.
 */
export function gpuOptionTargets(model: ModalModel): string[] {
  const targets: string[] = [];
  for (const call of model.nodesOfType('call')) {
    const callee = call.field('function');
    if (callee?.type !== 'attribute' || callee.field('attribute')?.text !== 'with_options') continue;
    const args = callArguments(call);
    const gpu = args.keywords.get('gpu');
    if (!args.hasSplat && (!gpu || model.resolve(gpu).kind === 'none')) continue;
    targets.push(receiverName(model, callee.field('object'), 0));
  }
  return targets;
}

function receiverName(model: ModalModel, node: SyntaxNode | null, depth: number): string {
  if (!node || depth > 20) return '*';
  const expr = unwrapParens(node);
  if (expr.type === 'attribute') return expr.field('attribute')!.text;
  if (expr.type === 'call') {
    const callee = expr.field('function');
    if (LOOKUPS.has(model.qualifiedName(callee) ?? '')) {
      const args = callArguments(expr);
      const value = model.resolve(args.keywords.get('name') ?? args.positional[1]);
      return value.kind === 'str' ? value.value.split('.')[0]! : '*';
    }
    if (callee?.type === 'attribute' && OPTION_METHODS.has(callee.field('attribute')!.text)) return receiverName(model, callee.field('object'), depth + 1);
    return '*';
  }
  if (expr.type !== 'identifier') return '*';
  const bindings = model.bindingsFor(expr);
  if (bindings.length !== 1) return '*';
  const binding = bindings[0]!;
  if (binding.kind === 'def' || binding.kind === 'class') return expr.text;
  if (binding.kind === 'import') return model.importOf(expr.text)?.importedName ?? '*';
  if (binding.kind === 'assign' && binding.value) return receiverName(model, binding.value, depth + 1);
  return '*';
}

/** Edit distance, for "did you mean" lists. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Up to `count` names closest to `name`, nearest first. */
export function closestNames(name: string, candidates: Iterable<string>, count = 3): string[] {
  const lower = name.toLowerCase();
  return [...new Set(candidates)]
    .map((candidate) => {
      const other = candidate.toLowerCase();
      // A name that contains the other (`charge` / `charge_customer`) is the likeliest meant, however long.
      const distance = other.includes(lower) || lower.includes(other) ? -1 / Math.max(other.length, 1) : editDistance(lower, other);
      return { candidate, distance };
    })
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}
