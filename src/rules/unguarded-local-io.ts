import { isHandled } from '../model/handlers.js';
import type { ModalModel } from '../model/model.js';
import { existenceExit, isConditionalOnMachine, localRead } from '../model/local-io.js';
import { runsUnderModal } from '../model/run-where.js';
import path from 'node:path';
import type { SyntaxNode } from '../parser/syntax.js';
import { containerPathOf, containerPathPresence, moduleContainers, shipsLocalFiles, type Container } from '../model/environment/index.js';
import { resolveAt } from '../model/images.js';
import { callArguments } from '../model/model.js';
import { defineRule } from './types.js';

/** Guards under which module code does not run in the container, or runs only there on purpose. */
const SAFE_GUARDS = new Set(['function', 'local', 'container', 'main', 'type-checking', 'image-imports']);
const OS_ERRORS = new Set(['OSError', 'IOError', 'EnvironmentError', 'FileNotFoundError', 'PermissionError', 'IsADirectoryError', 'NotADirectoryError']);
const SUBPROCESS_ERRORS = new Set([...OS_ERRORS, 'SubprocessError', 'CalledProcessError']);
/** What a failed existence test raises: `SystemExit`, `AssertionError`, or whatever the branch raises. */
const STOP_ERRORS = new Set(['SystemExit', 'AssertionError', 'RuntimeError', 'ValueError', ...OS_ERRORS]);
const DOTENV_READS = new Set(['load_dotenv()', 'dotenv_values()']);

/** True when the module's top-level code runs in Modal containers: a module that uses Modal and that Modal imports. */
function runsInContainers(model: ModalModel): boolean {
  return model.isModalFile && runsUnderModal(model);
}

export default defineRule({
  id: 'unguarded-local-io',
  category: 'reliability',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['is_local', 'container', 'files'],
  summary: 'Module-level code of a Modal file reads local files or runs local tools at import time.',
  docs: {
    what: 'Flags module-level calls in a Modal file that read the machine they run on: `open(...)` for reading, `Path.read_text/read_bytes/open/iterdir/glob/rglob` on a `pathlib.Path` (also through a name), `os.listdir/walk/scandir`, `subprocess.*` and `dotenv.load_dotenv/dotenv_values`. Class bodies, decorator arguments and default values count as module level. Silent under `if modal.is_local():` (local only) and `if not modal.is_local():` (container only, on purpose), in function bodies, under `if __name__ == "__main__":`, `if TYPE_CHECKING:`, `with image.imports():`, after a test of the machine (`if path.exists():`, `if os.environ.get("CI"):`), and inside `try` / `contextlib.suppress` that handles the failure: the OSError family (`FileNotFoundError`...), `Exception` or a bare `except`, and for `subprocess` also `CalledProcessError` / `SubprocessError`. An `except ImportError` alone does not count. File reads are also left alone when the module\'s containers may hold copies of local files (`add_local_file`, `add_local_dir`, pre-1.0 `mounts=` and `copy_local_*`, a Dockerfile step, or an image the linter cannot follow): the copy may sit exactly where the read looks, which the linter cannot tell. A `load_dotenv()` / `dotenv_values()` is also left alone when the image puts that `.env` file into `/root` with `add_local_file(".env", "/root/.env")` (or at `/.env`, or in a folder copied onto `/root`, or with a pre-1.0 mount), where python-dotenv\'s upward search from the module\'s folder finds it in the container, and a `load_dotenv()` when every function of the module receives `modal.Secret.from_dotenv()`, which already puts those variables into the environment. Existence tests are reported when they stop the module: a module-level `if not DATA.exists(): raise ...` (or `sys.exit(...)`, `exit()`, or the `else` of `if DATA.is_file():`, or `assert DATA.exists()`), with `Path.exists/is_file/is_dir` or `os.path.exists/isfile/isdir`, on a relative path or one built from `__file__` or `Path.cwd()`; the same guards keep them silent, and so does an image step that ships the tested path itself: the check is read as the container computes it (`Path(__file__).parent / "data"` is `/root/data` there), so `add_local_dir("weights", "/root/weights")` does not silence a check of `/root/data/labels.json`, and a test that only skips work is not reported. Building paths and reading `os.environ` are not I/O; Modal\'s lazy helpers (`add_local_file`, `add_local_dir`, `Secret.from_dotenv`, `Image.from_dockerfile`...) are not flagged.',
    why: 'Modal imports your module on your machine to build the App, and again in every container (modal-client `_runtime/execution_context.py`: `modal.is_local()` is false only there). The container holds your function\'s module, not your working tree, `.git` or `.env`: a top-level `open("prompts.json")` or `subprocess.check_output(["git", "rev-parse", "HEAD"])` raises there and the container never starts, and `load_dotenv()` or `glob()` quietly find nothing. A module-level `if not DATA.exists(): raise SystemExit(...)` fails the same way: in the container the path is missing, the module stops while it is being imported, and the container exits before it serves anything. Ship files with `Image.add_local_file` / `add_local_dir` and secrets with `modal.Secret`, or do the local work under `if modal.is_local():`.',
    example: 'import subprocess\nimport modal\n\nGIT_SHA = subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()\napp = modal.App("reporter")',
    useInstead: 'import subprocess\nimport modal\n\nimage = modal.Image.debian_slim()\nif modal.is_local():\n    sha = subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()\n    image = image.env({"GIT_SHA": sha})\napp = modal.App("reporter", image=image)',
    link: 'https://modal.com/docs/reference/modal.is_local',
  },
  messages: {
    failsInContainer: '`{call}` runs at import time, on your machine and again in every container, where {missing} is not there and the call fails; guard it with `if modal.is_local():` or move it into a function.',
    existenceStops: '`{call}` tests a local path at import time, on your machine and again in every container, where the image does not ship it; the test fails there and the module {outcome} before the container can serve. Guard it with `if modal.is_local():` or ship the path with `Image.add_local_file` / `add_local_dir`.',
    emptyInContainer: '`{call}` runs at import time, on your machine and again in every container, where {missing} is not there and the call silently finds nothing; guard it with `if modal.is_local():` or move it into a function.',
  },
  check({ model, report }) {
    if (!runsInContainers(model)) return;
    let containers: Container[] | undefined;
    const containersOfModule = (): Container[] => (containers ??= moduleContainers(model));
    for (const statement of model.nodesOfType('if_statement', 'assert_statement')) {
      const stop = existenceExit(model, statement);
      if (!stop || model.guardsOf(statement).some((guard) => SAFE_GUARDS.has(guard.kind))) continue;
      if (isHandled(statement, STOP_ERRORS) || isConditionalOnMachine(statement) || mayHoldPath(model, containersOfModule(), stop.path)) continue;
      report(stop.check, 'existenceStops', { call: stop.call, outcome: stop.outcome === 'exits' ? 'exits' : 'raises' });
    }
    for (const node of model.nodesOfType('call')) {
      const read = localRead(model, node);
      if (!read || model.guardsOf(node).some((guard) => SAFE_GUARDS.has(guard.kind))) continue;
      if (isHandled(node, read.call.startsWith('subprocess') ? SUBPROCESS_ERRORS : OS_ERRORS) || isConditionalOnMachine(node)) continue;
      // A read may find a copy that a shipped file or folder puts where it looks.
      if (read.readsFiles && containersOfModule().some(shipsLocalFiles)) continue;
      if (DOTENV_READS.has(read.call) && shipsDotenv(model, containersOfModule(), node)) continue;
      // `load_dotenv()` only fills `os.environ`: `Secret.from_dotenv()` already puts the same variables there.
      if (read.call === 'load_dotenv()' && secretsComeFromDotenv(model)) continue;
      report(node, read.outcome === 'fails' ? 'failsInContainer' : 'emptyInContainer', { call: read.call, missing: read.missing });
    }
  },
});

/** True when some container of the module may hold the path an existence test looks for. */
function mayHoldPath(model: ModalModel, containers: Container[], pathNode: SyntaxNode): boolean {
  return containers.some((container) => {
    const remote = containerPathOf(model, container, pathNode);
    return remote === null ? shipsLocalFiles(container) : containerPathPresence(container, remote) !== 'no';
  });
}

/**
 * True when the containers hold the `.env` a `load_dotenv()` / `dotenv_values()` call reads. With no
 * path, python-dotenv searches upward from the calling module's folder (`/root`): `/root/.env`, then
 * `/.env`; a relative path is read from the working directory.
 */
function shipsDotenv(model: ModalModel, containers: Container[], call: SyntaxNode): boolean {
  const args = callArguments(call);
  const pathArgument = args.keywords.get('dotenv_path') ?? args.positional[0];
  let wanted: string | null = null;
  if (pathArgument) {
    const value = resolveAt(model, pathArgument);
    if (value.kind !== 'str' || value.value.startsWith('/')) return false;
    wanted = value.value;
  }
  return containers.some((container) => {
    const folder = path.posix.dirname(container.entryFile);
    const targets = wanted === null ? ancestorsOf(folder).map((dir) => path.posix.join(dir, '.env')) : [path.posix.resolve(container.workdir, wanted)];
    return targets.some((target) => containerPathPresence(container, target) === 'yes');
  });
}

function ancestorsOf(folder: string): string[] {
  const result = [folder];
  while (result.at(-1) !== '/') result.push(path.posix.dirname(result.at(-1)!));
  return result;
}

/** True when every function of the module that runs in a container receives `modal.Secret.from_dotenv(...)` (or its secrets cannot be read). */
function secretsComeFromDotenv(model: ModalModel): boolean {
  const registrations = model.registrations.filter((registration) => registration.kind !== 'local_entrypoint');
  return registrations.length > 0 && registrations.every((registration) => {
    const secrets = model.secretsOf(registration);
    return secrets === null || secrets.some((secret) => {
      const call = model.originCall(secret);
      return call !== null && model.qualifiedName(call.field('function')) === 'modal.Secret.from_dotenv';
    });
  });
}
