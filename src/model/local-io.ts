import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, unwrapParens, type ModalModel } from './model.js';
import { blockStatements } from './scope.js';
import { isPathExpression } from './stdlib.js';
import { importedPath } from './imported-names.js';

const EXISTENCE_CHECKS = new Set(['exists', 'is_file', 'is_dir', 'isfile', 'isdir', 'lexists', 'access']);

/** How a read behaves in the container: `fails` (FileNotFoundError, CalledProcessError, an error exit) or `empty` (finds nothing, silently). */
export interface LocalRead {
  call: string;
  outcome: 'fails' | 'empty';
  missing: string;
  readsFiles: boolean;
}

const PATH_READS: Record<string, LocalRead['outcome']> = { read_text: 'fails', read_bytes: 'fails', open: 'fails', iterdir: 'fails', glob: 'empty', rglob: 'empty' };
const MODULE_READS = new Map<string, Omit<LocalRead, 'call'>>([
  ['os.listdir', { outcome: 'fails', missing: 'the local directory', readsFiles: true }],
  ['os.scandir', { outcome: 'fails', missing: 'the local directory', readsFiles: true }],
  ['os.walk', { outcome: 'empty', missing: 'the local directory', readsFiles: true }],
  ...['dotenv.load_dotenv', 'dotenv.dotenv_values', 'dotenv.main.load_dotenv', 'dotenv.main.dotenv_values']
    .map((name): [string, Omit<LocalRead, 'call'>] => [name, { outcome: 'empty', missing: 'your `.env` file', readsFiles: false }]),
  ...['run', 'check_output', 'check_call', 'call', 'Popen', 'getoutput', 'getstatusoutput']
    .map((name): [string, Omit<LocalRead, 'call'>] => [`subprocess.${name}`, { outcome: 'fails', missing: 'your working tree or local tool', readsFiles: false }]),
]);

/** A mode that reads (`"r"`, `"rb"`, `"r+"`), or no mode; writes and unknown modes are not reads of local files. */
function readsMode(model: ModalModel, mode: SyntaxNode | undefined): boolean {
  if (!mode) return true;
  const value = model.resolve(mode);
  return value.kind === 'str' && value.value.includes('r');
}

/** What a call reads from the machine it runs on (`open()`, `Path.read_text()`, `subprocess.run()`), or null. */
export function localRead(model: ModalModel, call: SyntaxNode): LocalRead | null {
  const callee = call.field('function');
  const args = callArguments(call);
  if (callee?.type === 'identifier' && callee.text === 'open' && model.bindingsFor(callee).length === 0) {
    if (!readsMode(model, args.keywords.get('mode') ?? args.positional[1])) return null;
    return { call: 'open()', outcome: 'fails', missing: 'the local file', readsFiles: true };
  }
  const name = importedPath(model, callee);
  const known = name ? MODULE_READS.get(name) : undefined;
  if (known) return { call: `${name!.replace(/^dotenv\.(main\.)?/, '')}()`, ...known };
  if (callee?.type !== 'attribute') return null;
  const method = callee.field('attribute')!.text;
  const outcome = Object.hasOwn(PATH_READS, method) ? PATH_READS[method]! : null;
  if (!outcome || !isPathExpression(model, callee.field('object'))) return null;
  if (method === 'open' && !readsMode(model, args.keywords.get('mode') ?? args.positional[0])) return null;
  return { call: `Path.${method}()`, outcome, missing: 'the local file or directory', readsFiles: true };
}

/** True when a test reads the machine: an existence check (`path.exists()`, `os.path.isfile`) or an environment variable. */
function testsMachineState(test: SyntaxNode): boolean {
  return [test, ...test.descendants()].some((node) => {
    if (node.type === 'attribute' || node.type === 'identifier') return (node.type === 'attribute' ? node.field('attribute')!.text : node.text) === 'environ';
    const callee = node.type === 'call' ? node.field('function') : null;
    const last = callee?.type === 'attribute' ? callee.field('attribute')!.text : callee?.text;
    return last !== undefined && (EXISTENCE_CHECKS.has(last) || last === 'getenv');
  });
}

/**
 * `if path.exists(): ...`, `x if os.path.isfile(p) else y`, `if os.environ.get("CI"): ...`: the read
 * already depends on what the machine has, and the linter cannot tell which way the test goes in the container.
 */
export function isConditionalOnMachine(call: SyntaxNode): boolean {
  for (const ancestor of call.ancestors()) {
    const test = ancestor.type === 'if_statement' || ancestor.type === 'elif_clause' || ancestor.type === 'while_statement' ? ancestor.field('condition')
      : ancestor.type === 'conditional_expression' ? ancestor.namedChildren[1] ?? null
        : ancestor.type === 'boolean_operator' ? ancestor.field('left') : null;
    if (test && !test.contains(call) && testsMachineState(test)) return true;
  }
  return false;
}

const EXISTENCE_METHODS = new Set(['exists', 'is_file', 'is_dir']);
const EXISTENCE_FUNCTIONS = new Set(['os.path.exists', 'os.path.isfile', 'os.path.isdir']);
const EXIT_FUNCTIONS = new Set(['sys.exit', 'os._exit']);
const PATH_WRAPPERS = new Set(['os.path.join', 'os.path.dirname', 'os.path.abspath', 'os.path.realpath', 'os.path.expanduser', 'pathlib.Path', 'pathlib.PosixPath']);

/** An existence test whose failing side stops the module: it raises or exits. */
export interface ExistenceExit {
  /** The test call (`DATA.exists()`, `os.path.isfile(p)`). */
  check: SyntaxNode;
  call: string;
  /** What happens when the test fails: `raises` (an exception, an assertion) or `exits` (`sys.exit`, `exit()`). */
  outcome: 'raises' | 'exits';
  /** The path expression it tests. */
  path: SyntaxNode;
}

/** `DATA.exists()` on a `pathlib.Path`, or `os.path.isfile(p)`: the path it tests, and how the call reads. */
function existenceTest(model: ModalModel, node: SyntaxNode): { path: SyntaxNode; call: string } | null {
  const expr = unwrapParens(node);
  if (expr.type !== 'call') return null;
  const callee = expr.field('function');
  if (callee?.type === 'attribute' && EXISTENCE_METHODS.has(callee.field('attribute')!.text) && isPathExpression(model, callee.field('object'))) {
    return { path: callee.field('object')!, call: `Path.${callee.field('attribute')!.text}()` };
  }
  const name = importedPath(model, callee);
  const argument = callArguments(expr).positional[0];
  return name && EXISTENCE_FUNCTIONS.has(name) && argument ? { path: argument, call: `${name}()` } : null;
}

/** How a block stops the module, when one of its statements raises or exits. */
function stopsModule(model: ModalModel, block: SyntaxNode | null): ExistenceExit['outcome'] | null {
  if (!block) return null;
  for (const statement of blockStatements(block)) {
    if (statement.type === 'raise_statement') return 'raises';
    const call = statement.type === 'expression_statement' ? statement.namedChildren[0] : null;
    if (call?.type !== 'call') continue;
    const callee = call.field('function');
    const name = importedPath(model, callee);
    if (name && EXIT_FUNCTIONS.has(name)) return 'exits';
    if (callee?.type === 'identifier' && (callee.text === 'exit' || callee.text === 'quit') && model.bindingsFor(callee).length === 0) return 'exits';
  }
  return null;
}

/**
 * `if not DATA.exists(): raise SystemExit(...)`, `if os.path.isfile(p): ... else: sys.exit(1)`,
 * `assert CONFIG.is_file()`: a module-level statement that stops the module when a path is missing.
 * A test that only skips work is not one.
 */
export function existenceExit(model: ModalModel, statement: SyntaxNode): ExistenceExit | null {
  if (statement.type === 'assert_statement') {
    const test = statement.namedChildren[0];
    const found = test ? existenceTest(model, test) : null;
    return found && pathOnlyOnThisMachine(model, found.path) ? { check: unwrapParens(test!), call: found.call, outcome: 'raises', path: found.path } : null;
  }
  if (statement.type !== 'if_statement') return null;
  const condition = statement.field('condition');
  if (!condition) return null;
  const unwrapped = unwrapParens(condition);
  const negated = unwrapped.type === 'not_operator';
  const test = negated ? unwrapped.field('argument') : unwrapped;
  const found = test ? existenceTest(model, test) : null;
  if (!found || !pathOnlyOnThisMachine(model, found.path)) return null;
  const alternatives = statement.fields('alternative');
  const failing = negated ? statement.field('consequence')
    : alternatives.length === 1 && alternatives[0]!.type === 'else_clause' ? alternatives[0]!.field('body') : null;
  const outcome = stopsModule(model, failing);
  return outcome ? { check: unwrapParens(test!), call: found.call, outcome, path: found.path } : null;
}

/**
 * True when a path names a place on the machine that runs the code, not one the container has:
 * a relative path, or one built from `__file__` or `Path.cwd()`. Absolute paths may be volume
 * mounts or files of the image, and paths read from the environment are unknown.
 */
function pathOnlyOnThisMachine(model: ModalModel, node: SyntaxNode | null | undefined, depth = 0): boolean {
  if (!node || depth > 20) return false;
  const expr = unwrapParens(node);
  switch (expr.type) {
    case 'identifier':
      if (expr.text === '__file__' && model.bindingsFor(expr).length === 0) return true;
      return pathOnlyOnThisMachine(model, model.boundValue(expr), depth + 1);
    case 'string':
    case 'concatenated_string': {
      const value = model.resolve(expr);
      return value.kind === 'str' && value.value !== '' && !/^[/~$\\]|^[A-Za-z]:/.test(value.value);
    }
    case 'binary_operator':
      return expr.children.some((child) => !child.isNamed && child.text === '/') && pathOnlyOnThisMachine(model, expr.field('left'), depth + 1);
    case 'attribute':
      return expr.field('attribute')!.text === 'parent' && pathOnlyOnThisMachine(model, expr.field('object'), depth + 1);
    case 'subscript': {
      const value = expr.field('value');
      return value?.type === 'attribute' && value.field('attribute')!.text === 'parents' && pathOnlyOnThisMachine(model, value.field('object'), depth + 1);
    }
    case 'call': {
      const callee = expr.field('function');
      const name = importedPath(model, callee);
      if (name === 'pathlib.Path.cwd') return true;
      if (name && PATH_WRAPPERS.has(name)) return pathOnlyOnThisMachine(model, callArguments(expr).positional[0], depth + 1);
      // `Path(...).resolve()`, `.absolute()`, `.joinpath(...)`
      return callee?.type === 'attribute' && ['resolve', 'absolute', 'joinpath'].includes(callee.field('attribute')!.text)
        && pathOnlyOnThisMachine(model, callee.field('object'), depth + 1);
    }
    default:
      return false;
  }
}
