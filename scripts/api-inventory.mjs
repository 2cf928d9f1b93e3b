#!/usr/bin/env node
// Reads the Python source of a modal-client release and writes the inventory of Modal's public
// API that the linter checks names and keyword arguments against (src/model/api/inventory.json).
//
//   node scripts/api-inventory.mjs --client <path to a modal-client clone> [--ref <git ref>] [--out <file>]
//
// With --ref the files are read from that commit (`git show`), so the clone's work tree may be
// on any branch; without it they are read from the work tree. Only names and signatures are
// recorded (facts about the API), never source text.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArguments(argv) {
  const options = { ref: null, out: path.join(root, 'src/model/api/inventory.json'), client: null };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === '--client') options.client = value;
    else if (flag === '--ref') options.ref = value;
    else if (flag === '--out') options.out = path.resolve(value);
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node scripts/api-inventory.mjs --client <modal-client clone> [--ref <git ref>] [--out <file>]');
      process.exit(0);
    } else throw new Error(`unknown argument ${flag}`);
    index++;
  }
  if (!options.client) throw new Error('--client <path to a modal-client clone> is required');
  return options;
}

/** Reads files of the clone, from a commit when a ref is given, else from the work tree. */
function sourceReader(client, ref) {
  if (ref) {
    const git = (...args) => execFileSync('git', ['-C', client, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const commit = git('rev-parse', `${ref}^{commit}`).trim();
    const files = git('ls-tree', '-r', '--name-only', commit).split('\n').filter(Boolean);
    return { commit, files, read: (file) => git('show', `${commit}:${file}`) };
  }
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(client, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(relative);
      } else files.push(relative);
    }
  };
  walk('');
  let commit = null;
  try {
    commit = execFileSync('git', ['-C', client, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a git clone: the version alone names the release.
  }
  return { commit, files, read: (file) => fs.readFileSync(path.join(client, file), 'utf8') };
}

const options = parseArguments(process.argv.slice(2));
const reader = sourceReader(options.client, options.ref);
// The SDK moved from the repository root to `py/` in 2025; both layouts are read.
const packageRoot = reader.files.includes('py/modal/__init__.py') ? 'py/' : reader.files.includes('modal/__init__.py') ? '' : null;
if (packageRoot === null) throw new Error(`no modal/__init__.py in ${options.client}`);
const versionFile = `${packageRoot}modal_version/__init__.py`;
const version = /__version__\s*=\s*"([^"]+)"/.exec(reader.read(versionFile))?.[1];
if (!version) throw new Error(`no __version__ in ${versionFile}`);

const require = createRequire(import.meta.url);
await Parser.init();
const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
const parser = new Parser();
parser.setLanguage(language);

// ---- modules -------------------------------------------------------------------------------

/** Dotted module name -> { file, tree, bindings }. Vendored code and the CLI's internals are not API. */
const modules = new Map();
for (const file of reader.files) {
  if (!file.startsWith(`${packageRoot}modal/`) || !file.endsWith('.py')) continue;
  const relative = file.slice(packageRoot.length, -'.py'.length).split('/');
  if (relative.includes('_vendor')) continue;
  if (relative.at(-1) === '__init__') relative.pop();
  modules.set(relative.join('.'), { file, tree: null, bindings: null });
}

function moduleOf(name) {
  const module = modules.get(name);
  if (!module) return null;
  if (!module.tree) {
    module.tree = parser.parse(reader.read(module.file));
    module.bindings = moduleBindings(module.tree.rootNode, name);
  }
  return module;
}

const isPackage = (name) => modules.get(name)?.file.endsWith('__init__.py') ?? false;

/** The absolute module a `from .x import` names, seen from `moduleName`. */
function absoluteModule(moduleName, relativeText) {
  const dots = /^\.*/.exec(relativeText)[0].length;
  const rest = relativeText.slice(dots);
  if (dots === 0) return rest;
  const parts = moduleName.split('.');
  // A package's own `.` is the package itself; a module's is its parent.
  const base = isPackage(moduleName) ? parts : parts.slice(0, -1);
  const kept = base.slice(0, base.length - (dots - 1));
  return [...kept, ...(rest ? rest.split('.') : [])].join('.');
}

/**
 * Names bound at module level (also under `if`, `try` and `with`), each with what binds it.
 * Later bindings win, as at run time; names under `if TYPE_CHECKING:` are kept so nothing that
 * might exist is reported missing.
 */
function moduleBindings(rootNode, moduleName) {
  const bindings = new Map();
  const visit = (block) => {
    for (const statement of block.namedChildren) {
      switch (statement.type) {
        case 'class_definition':
        case 'function_definition':
          bindings.set(statement.childForFieldName('name').text, { kind: statement.type === 'class_definition' ? 'class' : 'def', node: statement });
          break;
        case 'decorated_definition': {
          const definition = statement.childForFieldName('definition');
          if (isOverload(statement) && bindings.has(definition.childForFieldName('name').text)) break;
          bindings.set(definition.childForFieldName('name').text, { kind: definition.type === 'class_definition' ? 'class' : 'def', node: definition });
          break;
        }
        case 'import_from_statement': {
          const source = statement.childForFieldName('module_name').text;
          const from = absoluteModule(moduleName, source);
          for (const child of statement.childrenForFieldName('name')) {
            const imported = child.type === 'aliased_import' ? child.childForFieldName('name').text : child.text;
            const local = child.type === 'aliased_import' ? child.childForFieldName('alias').text : imported;
            bindings.set(local, { kind: 'from', module: from, name: imported });
          }
          if (statement.namedChildren.some((child) => child.type === 'wildcard_import')) bindings.set('*', { kind: 'star', module: from });
          break;
        }
        case 'import_statement':
          for (const child of statement.childrenForFieldName('name')) {
            if (child.type === 'aliased_import') bindings.set(child.childForFieldName('alias').text, { kind: 'module', module: child.childForFieldName('name').text });
            else bindings.set(child.text.split('.')[0], { kind: 'module', module: child.text.split('.')[0] });
          }
          break;
        case 'expression_statement':
          for (const expression of statement.namedChildren) {
            if (expression.type !== 'assignment') continue;
            for (const target of assignmentTargets(expression)) bindings.set(target, { kind: 'assign', value: finalValue(expression) });
          }
          break;
        case 'if_statement':
        case 'try_statement':
        case 'with_statement':
          for (const child of statement.namedChildren) {
            if (child.type === 'block') visit(child);
            else for (const clause of child.namedChildren) if (clause.type === 'block') visit(clause);
          }
          break;
        default:
          break;
      }
    }
  };
  visit(rootNode);
  return bindings;
}

/** `a = b = value` and `a: T = value` bind `a` (and `b`); tuple targets bind values the script cannot follow. */
function assignmentTargets(assignment) {
  const names = [];
  for (let node = assignment; node?.type === 'assignment'; node = node.childForFieldName('right')) {
    const left = node.childForFieldName('left');
    if (left.type === 'identifier') names.push(left.text);
    else if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
      for (const item of left.namedChildren) if (item.type === 'identifier') names.push(item.text);
    }
  }
  return names;
}

function finalValue(assignment) {
  let node = assignment;
  while (node.childForFieldName('right')?.type === 'assignment') node = node.childForFieldName('right');
  return node.childForFieldName('right');
}

function decoratorNames(definition) {
  const decorated = definition.parent?.type === 'decorated_definition' ? definition.parent : null;
  if (!decorated) return [];
  return decorated.namedChildren
    .filter((child) => child.type === 'decorator')
    .map((decorator) => {
      const expression = decorator.namedChildren[0];
      const callee = expression.type === 'call' ? expression.childForFieldName('function') : expression;
      return callee.text;
    });
}

function isOverload(decorated) {
  return decorated.namedChildren.some((child) => child.type === 'decorator' && /(^|\.)overload$/.test(child.namedChildren[0].text));
}

// ---- resolving names -----------------------------------------------------------------------

/** Wrappers that make the public object of a private one (`Dict = synchronize_api(_Dict)`). */
const WRAPPERS = new Set(['synchronize_api', 'synchronizer.create_blocking']);

/**
 * What `name` is in `moduleName`: a class or function definition (with the module that defines
 * it), a module, or a plain value. `publicAt` is where a `synchronize_api` wrapper publishes it.
 */
function resolve(moduleName, name, depth = 0) {
  if (depth > 30) return { kind: 'value' };
  const module = moduleOf(moduleName);
  if (!module) return { kind: 'external' };
  const binding = module.bindings.get(name);
  if (!binding) {
    if (modules.has(`${moduleName}.${name}`)) return { kind: 'module', module: `${moduleName}.${name}` };
    const star = module.bindings.get('*');
    return star && modules.has(star.module) ? resolve(star.module, name, depth + 1) : { kind: 'missing' };
  }
  switch (binding.kind) {
    case 'class':
      return { kind: 'class', node: binding.node, module: moduleName, name };
    case 'def':
      return { kind: 'function', node: binding.node, module: moduleName, name };
    case 'module':
      return modules.has(binding.module) ? { kind: 'module', module: binding.module } : { kind: 'external' };
    case 'from': {
      // `from . import billing` in the package itself, or a name its package does not bind: the submodule.
      const submodule = `${binding.module}.${binding.name}`;
      if (modules.has(submodule) && (binding.module === moduleName || !moduleOf(binding.module)?.bindings.has(binding.name))) return { kind: 'module', module: submodule };
      return modules.has(binding.module) ? resolve(binding.module, binding.name, depth + 1) : { kind: 'external' };
    }
    case 'assign': {
      const value = binding.value;
      if (value?.type === 'identifier') return resolve(moduleName, value.text, depth + 1);
      if (value?.type === 'call' && WRAPPERS.has(value.childForFieldName('function').text)) {
        const wrapped = value.childForFieldName('arguments').namedChildren[0];
        if (wrapped?.type === 'identifier') {
          const target = resolve(moduleName, wrapped.text, depth + 1);
          if (target.kind === 'class' || target.kind === 'function') return { ...target, publicModule: moduleName, publicName: name };
        }
      }
      return { kind: 'value' };
    }
    default:
      return { kind: 'value' };
  }
}

/** The name users see: where a wrapper publishes the object, else where it is defined. */
function publicNameOf(target) {
  return target.publicName ? `${target.publicModule}.${target.publicName}` : `${target.module}.${target.name}`;
}

// ---- signatures ----------------------------------------------------------------------------

/**
 * Parameters in a compact, Python-like notation: `name`, `name=` (has a default), `*` (the rest
 * are keyword-only), `/` (the ones before are positional-only), `*args`, `**kwargs`.
 */
function parametersOf(definition, dropFirst) {
  const result = [];
  for (const parameter of definition.childForFieldName('parameters').namedChildren) {
    switch (parameter.type) {
      case 'identifier':
        result.push(parameter.text);
        break;
      case 'typed_parameter': {
        const inner = parameter.namedChildren[0];
        if (inner.type === 'list_splat_pattern') result.push(`*${inner.namedChildren[0].text}`);
        else if (inner.type === 'dictionary_splat_pattern') result.push(`**${inner.namedChildren[0].text}`);
        else result.push(inner.text);
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter':
        result.push(`${parameter.childForFieldName('name').text}=`);
        break;
      case 'list_splat_pattern':
        result.push(`*${parameter.namedChildren[0].text}`);
        break;
      case 'dictionary_splat_pattern':
        result.push(`**${parameter.namedChildren[0].text}`);
        break;
      case 'keyword_separator':
        result.push('*');
        break;
      case 'positional_separator':
        result.push('/');
        break;
      case 'comment':
        break;
      default:
        throw new Error(`unexpected parameter ${parameter.type} in ${definition.childForFieldName('name').text}`);
    }
  }
  return dropFirst ? result.slice(1) : result;
}

/** The exception a function raises when its body (after its docstring) is one `raise`: it can never return. */
function alwaysRaises(definition) {
  const statements = definition.childForFieldName('body').namedChildren.filter((child) => child.type !== 'comment');
  const first = statements[0]?.type === 'expression_statement' && statements[0].namedChildren[0]?.type === 'string' ? 1 : 0;
  if (statements.length !== first + 1 || statements[first].type !== 'raise_statement') return null;
  const raised = statements[first].namedChildren[0];
  const exception = raised?.type === 'call' ? raised.childForFieldName('function') : raised;
  return exception?.text ?? 'an exception';
}

// ---- classes -------------------------------------------------------------------------------

/** Bases that add no public attributes a Modal user would reach through the class. */
const PLAIN_BASES = /^(object|Generic|typing\.Generic|typing_extensions\.Generic|ABC|abc\.ABC|Protocol|typing\.Protocol)(\[.*\])?$/s;

const classCache = new Map();

/**
 * Public attributes of a class definition and of its Modal bases: methods with their
 * parameters, class-level attributes, and attributes instances get in their methods.
 */
function classFacts(definition, moduleName) {
  const cached = classCache.get(definition);
  if (cached) return cached;
  const facts = { attributes: {}, instanceAttributes: new Set(), constructor: null, open: [], dynamicInstance: false };
  classCache.set(definition, facts);
  const bases = definition.childForFieldName('superclasses')?.namedChildren ?? [];
  for (const base of bases) {
    if (base.type === 'keyword_argument') {
      if (base.childForFieldName('name').text === 'metaclass') facts.open.push(base.text);
      continue;
    }
    if (PLAIN_BASES.test(base.text)) continue;
    const expression = base.type === 'subscript' ? base.childForFieldName('value') : base;
    const target = expression.type === 'identifier' ? resolve(moduleName, expression.text) : { kind: 'external' };
    if (target.kind !== 'class') {
      facts.open.push(base.text);
      continue;
    }
    const inherited = classFacts(target.node, target.module);
    Object.assign(facts.attributes, inherited.attributes);
    for (const name of inherited.instanceAttributes) facts.instanceAttributes.add(name);
    facts.constructor ??= inherited.constructor;
    facts.open.push(...inherited.open);
    facts.dynamicInstance ||= inherited.dynamicInstance;
  }
  const seenImplementations = new Set();
  for (const statement of definition.childForFieldName('body').namedChildren) {
    const member = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (member.type === 'function_definition') {
      const name = member.childForFieldName('name').text;
      const decorators = decoratorNames(member);
      if (statement.type === 'decorated_definition' && isOverload(statement)) {
        if (!seenImplementations.has(name) && !(name in facts.attributes && !isPublic(name))) recordMethod(facts, name, member, decorators, moduleName);
        continue;
      }
      seenImplementations.add(name);
      if (name === '__getattr__') facts.dynamicInstance = true;
      if (name === '__init__') {
        const raised = alwaysRaises(member);
        facts.constructor = raised ? { raises: raised } : { params: parametersOf(member, true) };
      }
      recordMethod(facts, name, member, decorators, moduleName);
      collectInstanceAttributes(member, facts.instanceAttributes);
    } else if (member.type === 'class_definition') {
      const name = member.childForFieldName('name').text;
      if (isPublic(name)) facts.attributes[name] = { kind: 'class' };
    } else if (member.type === 'expression_statement') {
      for (const expression of member.namedChildren) {
        if (expression.type !== 'assignment') continue;
        for (const name of assignmentTargets(expression)) if (isPublic(name)) facts.attributes[name] = { kind: 'attribute' };
      }
    }
  }
  return facts;
}

function recordMethod(facts, name, member, decorators, moduleName) {
  if (!isPublic(name)) return;
  if (decorators.some((decorator) => decorator.endsWith('.setter') || decorator.endsWith('.deleter'))) return;
  const kind = decorators.includes('staticmethod') ? 'staticmethod'
    : decorators.includes('classproperty') ? 'property'
    : decorators.includes('classmethod') ? 'classmethod'
    : decorators.some((decorator) => decorator === 'property' || decorator === 'cached_property' || decorator.endsWith('.cached_property')) ? 'property'
    : 'method';
  const returns = returnTypeOf(member, moduleName);
  facts.attributes[name] = kind === 'property' ? { kind, ...(returns ? { returns } : {}) } : { kind, params: parametersOf(member, kind !== 'staticmethod'), ...(returns ? { returns } : {}) };
}

/**
 * The public Modal class a function's return annotation names (`-> "_Volume"`, `-> _App`,
 * `-> "_Function[P, R, R]"`), or null for anything else: unions, `Optional`, builtins, generators,
 * classes outside Modal. The `.aio` form of a method returns an awaitable of the same class.
 */
function returnTypeOf(definition, moduleName) {
  const annotation = definition.childForFieldName('return_type');
  if (!annotation) return null;
  let text = annotation.text.trim();
  if (/^(["']).*\1$/s.test(text)) text = text.slice(1, -1).trim();
  text = text.replace(/\[.*\]$/s, '');
  if (!/^[A-Za-z_][\w]*$/.test(text)) return null;
  const target = resolve(moduleName, text);
  // The defining class (`modal.volume._Volume`); mapped to its public name once every class is recorded.
  return target.kind === 'class' ? `${target.module}.${target.name}` : null;
}

/** Replaces each recorded return type (a defining class) by the public class it is, or drops it. */
function publishReturnTypes() {
  const publicNames = new Map();
  for (const [name, cls] of Object.entries(inventory.classes).sort(([a], [b]) => a.localeCompare(b))) {
    if (cls && !publicNames.has(cls.definedIn)) publicNames.set(cls.definedIn, name);
  }
  const publish = (entry) => {
    if (!entry.returns) return;
    const name = publicNames.get(entry.returns);
    if (name) entry.returns = name;
    else delete entry.returns;
  };
  for (const cls of Object.values(inventory.classes)) for (const attribute of Object.values(cls?.attributes ?? {})) publish(attribute);
  for (const fn of Object.values(inventory.functions)) publish(fn);
}

/** `self.x = ...` anywhere in a method (also in nested blocks) gives instances an `x`. */
function collectInstanceAttributes(method, names) {
  const self = method.childForFieldName('parameters').namedChildren[0];
  if (self?.type !== 'identifier') return;
  const visit = (node) => {
    if (node.type === 'assignment' || node.type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      const targets = left.type === 'pattern_list' || left.type === 'tuple_pattern' ? left.namedChildren : [left];
      for (const target of targets) {
        if (target.type === 'attribute' && target.childForFieldName('object').text === self.text) {
          const name = target.childForFieldName('attribute').text;
          if (isPublic(name)) names.add(name);
        }
      }
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(method.childForFieldName('body'));
}

function isPublic(name) {
  return !name.startsWith('_');
}

// ---- the inventory -------------------------------------------------------------------------

const inventory = {
  modalClient: { version, commit: reader.commit },
  cliCommands: [],
  supportedPythonSeries: {},
  modules: {},
  classes: {},
  functions: {},
};

/** Modules users reach: `modal` and its public submodules (no `_` in the path; not the CLI's internals). */
const publicModules = [...modules.keys()]
  .filter((name) => name.split('.').every((part) => isPublic(part)))
  .sort();

function describe(target) {
  switch (target.kind) {
    case 'module':
      return `module:${target.module}`;
    case 'class': {
      const name = publicNameOf(target);
      if (!(name in inventory.classes)) recordClass(name, target);
      return `class:${name}`;
    }
    case 'function': {
      const name = publicNameOf(target);
      inventory.functions[name] ??= {
        definedIn: `${target.module}.${target.name}`,
        params: parametersOf(target.node, false),
        ...(returnTypeOf(target.node, target.module) ? { returns: returnTypeOf(target.node, target.module) } : {}),
        ...(alwaysRaises(target.node) ? { raises: alwaysRaises(target.node) } : {}),
      };
      return `function:${name}`;
    }
    default:
      return 'value';
  }
}

function recordClass(name, target) {
  inventory.classes[name] = null; // reserve against cycles
  const facts = classFacts(target.node, target.module);
  const attributes = Object.fromEntries(Object.entries(facts.attributes).sort(([a], [b]) => a.localeCompare(b)));
  inventory.classes[name] = {
    definedIn: `${target.module}.${target.name}`,
    // No `__init__` in Modal's classes: `object`'s, unless a base outside Modal or a decorator (`@dataclass`) supplies one.
    constructor: facts.constructor ?? (facts.open.length || decoratorNames(target.node).length ? null : { params: [] }),
    attributes,
    instanceAttributes: [...facts.instanceAttributes].filter((attribute) => !(attribute in attributes)).sort(),
    ...(facts.open.length ? { openBases: [...new Set(facts.open)] } : {}),
    ...(facts.dynamicInstance ? { dynamicInstanceAttributes: true } : {}),
  };
}

for (const moduleName of publicModules) {
  const module = moduleOf(moduleName);
  const names = {};
  const candidates = new Set([...module.bindings.keys()].filter((name) => name !== '*'));
  for (const other of modules.keys()) {
    if (other.startsWith(`${moduleName}.`) && !other.slice(moduleName.length + 1).includes('.')) candidates.add(other.slice(moduleName.length + 1));
  }
  for (const name of [...candidates].sort()) {
    if (!isPublic(name)) continue;
    names[name] = describe(resolve(moduleName, name));
  }
  const getattr = module.bindings.get('__getattr__');
  const allNode = module.bindings.get('__all__');
  const all = allNode?.kind === 'assign' && allNode.value?.type === 'list'
    ? allNode.value.namedChildren.filter((item) => item.type === 'string').map((item) => item.text.slice(1, -1))
    : undefined;
  inventory.modules[moduleName] = {
    ...(all ? { all } : {}),
    // A module `__getattr__` that can return answers for any name; one that only raises adds none.
    ...(getattr?.kind === 'def' && !alwaysRaisesOrRaisesOnly(getattr.node) ? { dynamicAttributes: true } : {}),
    names,
  };
}

/** A function with no `return` anywhere in its body only raises. */
function alwaysRaisesOrRaisesOnly(definition) {
  let returns = false;
  const visit = (node) => {
    if (node.type === 'return_statement' || node.type === 'yield') returns = true;
    for (const child of node.namedChildren) if (child.type !== 'function_definition') visit(child);
  };
  visit(definition.childForFieldName('body'));
  return !returns;
}

/** Top-level `modal <command>` names: `entrypoint_cli.add_command(x, "name")`, or the group's own `name=`. */
function cliCommands() {
  const entry = moduleOf('modal.cli.entry_point');
  if (!entry) return [];
  const names = new Set();
  const visit = (node) => {
    if (node.type === 'call' && /\.add_command$/.test(node.childForFieldName('function').text)) {
      const args = node.childForFieldName('arguments').namedChildren;
      const hidden = args.some((arg) => arg.type === 'keyword_argument' && arg.text.replace(/\s/g, '') === 'hidden=True');
      const literal = args.find((arg, index) => index > 0 && arg.type === 'string') ?? args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name').text === 'name')?.childForFieldName('value');
      let name = literal?.type === 'string' ? literal.text.slice(1, -1) : null;
      if (!name && args[0]?.type === 'identifier') name = groupName('modal.cli.entry_point', args[0].text);
      if (name && !hidden) names.add(name);
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(entry.tree.rootNode);
  return [...names].sort();
}

function groupName(moduleName, name, depth = 0) {
  const binding = moduleOf(moduleName)?.bindings.get(name);
  if (!binding || depth > 10) return null;
  if (binding.kind === 'from') return groupName(binding.module, binding.name, depth + 1);
  // `@click.command("setup")` / `@app.command(name="x")` on a function.
  if (binding.kind === 'def' && binding.node.parent?.type === 'decorated_definition') {
    for (const decorator of binding.node.parent.namedChildren) {
      const call = decorator.type === 'decorator' ? decorator.namedChildren[0] : null;
      if (call?.type !== 'call' || !/command$/.test(call.childForFieldName('function').text)) continue;
      const first = call.childForFieldName('arguments').namedChildren[0];
      if (first?.type === 'string') return first.text.slice(1, -1);
    }
    return binding.node.childForFieldName('name').text.replace(/_/g, '-');
  }
  if (binding.kind !== 'assign' || binding.value?.type !== 'call') return null;
  const keyword = binding.value.childForFieldName('arguments').namedChildren.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name').text === 'name');
  const value = keyword?.childForFieldName('value');
  return value?.type === 'string' ? value.text.slice(1, -1) : null;
}

/** `SUPPORTED_PYTHON_SERIES` of `_image.py`: the Python series each image builder version accepts. */
function supportedPythonSeries() {
  const value = moduleOf('modal._image')?.bindings.get('SUPPORTED_PYTHON_SERIES')?.value;
  if (value?.type !== 'dictionary') return {};
  const strings = (node) => node.namedChildren.filter((item) => item.type === 'string').map((item) => item.text.slice(1, -1));
  return Object.fromEntries(value.namedChildren.filter((pair) => pair.type === 'pair').map((pair) => [pair.childForFieldName('key').text.slice(1, -1), strings(pair.childForFieldName('value'))]));
}

inventory.cliCommands = cliCommands();
inventory.supportedPythonSeries = supportedPythonSeries();
inventory.classes = Object.fromEntries(Object.entries(inventory.classes).sort(([a], [b]) => a.localeCompare(b)));
inventory.functions = Object.fromEntries(Object.entries(inventory.functions).sort(([a], [b]) => a.localeCompare(b)));
fs.mkdirSync(path.dirname(options.out), { recursive: true });
publishReturnTypes();
fs.writeFileSync(options.out, `${JSON.stringify(inventory, null, 1)}\n`);
console.log(`modal-client ${version}${reader.commit ? ` (${reader.commit.slice(0, 12)})` : ''}: ${Object.keys(inventory.modules).length} modules, ${Object.keys(inventory.classes).length} classes, ${Object.keys(inventory.functions).length} functions -> ${path.relative(process.cwd(), options.out)}`);
