import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel } from './model.js';
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
