import type { SyntaxNode } from '../parser/syntax.js';
import { dictEntries, entryValue, imageEnvEntries, secretEntries, type EnvEntry } from '../model/environment.js';
import type { ModalModel } from '../model/model.js';
import { attachedSecretCalls } from '../model/secrets.js';
import { defineRule } from './types.js';

/** Settings that describe where or how code runs, not credentials. */
const CONFIG_KEYS = new Set(['ENV', 'ENVIRONMENT', 'DEBUG', 'LOG_LEVEL']);
/** Variables the Modal runtime sets itself and that no Function configuration can override (docs: guide/environment_variables). */
const RESERVED_KEYS = new Set([
  'MODAL_ENVIRONMENT', 'MODAL_IS_REMOTE', 'MODAL_IDENTITY_TOKEN', 'MODAL_TASK_ID', 'MODAL_IMAGE_ID', 'MODAL_REGION',
  'MODAL_CLOUD_PROVIDER', 'MODAL_SANDBOX_ID',
]);

/** `os.environ.get("X")`, `os.getenv("X")`, `cfg.get(...)`, `None`, `a if c else None`: a value Modal may drop. */
function mayBeNone(model: ModalModel, node: SyntaxNode | null): boolean {
  if (!node) return false;
  if (node.type === 'conditional_expression') return node.namedChildren.some((arm, index) => index !== 1 && mayBeNone(model, arm));
  if (node.type === 'call') return /(^|\.)(get|getenv)$/.test(node.field('function')?.text ?? '');
  return model.resolve(node).kind === 'none';
}

/** Both values are the same known string: nothing is overridden. */
function sameValue(model: ModalModel, a: EnvEntry, b: EnvEntry): boolean {
  const first = entryValue(model, a);
  const second = entryValue(model, b);
  return first.kind === 'str' && second.kind === 'str' && first.value === second.value;
}

export default defineRule({
  id: 'secret-overrides-env',
  category: 'correctness',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['secrets', 'env', 'image'],
  summary: 'A key set both as environment and in an inline Secret, or configuration passed as a Secret.',
  docs: {
    what: 'Flags a key of `modal.Secret.from_dict({...})` (or a name in `modal.Secret.from_local_environ([...])`) attached to a function, class or server (its own `secrets=` or its App\'s) when the same key is also set by an `.env({...})` step of its image or by its own `env={...}`, with a different value. Also flags `from_dict` keys that are configuration rather than credentials (`ENV`, `ENVIRONMENT`, `DEBUG`, `LOG_LEVEL`), and keys the Modal runtime reserves (`MODAL_ENVIRONMENT`, `MODAL_IS_REMOTE`, `MODAL_TASK_ID`, ...). One finding per key. Keys resolve through constants; a secret bound more than once, or returned by a function of the same module, is checked in every form it may take. Secrets whose keys are not in the code (`from_name`, `from_dotenv`) and values that may be None (`os.environ.get(...)`, which Modal drops) are not checked.',
    why: 'Image `.env()` writes `ENV` lines into the image when it is built (modal/_image.py, `Image.env`), while secrets are attached to each function by id (`secret_ids` in the function definition, modal/_functions.py) and set in the container\'s environment when it starts, on top of the image\'s `ENV` defaults (the merge happens on Modal\'s side, with the precedence of `docker run -e` over `ENV`), so the secret wins and the `.env()` value is dead code. A function\'s own `env={...}` is itself turned into `Secret.from_dict(env)` and appended after `secrets=` (modal/app.py, `App.function`); secrets are applied in order, later ones overwriting earlier ones (modal.com/docs/guide/secrets), so there `env=` wins and the `from_dict` value is never seen. Either way one of the two values is silently ignored. Configuration in a Secret hides it from the image and from anyone reading the environment setup; `env=` was added in modal 1.2.0 for exactly such non-sensitive values (CHANGELOG), and `.env()` sets them image-wide. `MODAL_ENVIRONMENT` and the other `MODAL_*` runtime variables are set by Modal in every container and cannot be overridden by Function configuration at all.',
    example: 'image = modal.Image.debian_slim().env({"MODEL_ID": "llama-3-8b"})\n\n@app.function(image=image, secrets=[modal.Secret.from_dict({"MODEL_ID": "llama-3-70b", "LOG_LEVEL": "debug"})])\ndef serve(): ...',
    useInstead: 'image = modal.Image.debian_slim().env({"MODEL_ID": "llama-3-70b", "LOG_LEVEL": "debug"})\n\n@app.function(image=image, secrets=[modal.Secret.from_name("hf-token")])\ndef serve(): ...',
    link: 'https://modal.com/docs/guide/secrets',
  },
  messages: {
    overridesImageEnv: '`{key}` is also set by the image\'s `.env()` ({where}); the secret is applied when the container starts and silently replaces that value. Set it in one place.',
    shadowedByEnvArgument: '`{key}` is also set by `env=` ({where}); Modal turns `env=` into a Secret applied after `secrets=`, so this value is never seen. Set it in one place.',
    reservedVariable: '`{key}` is set by the Modal runtime in every container and cannot be overridden, so this value is ignored.',
    configInSecret: '`{key}` is configuration, not a credential; set it with `image.env({...})` or `env={...}` on the function instead of a Secret.',
  },
  check({ model, report }) {
    const reported = new Set<SyntaxNode>();
    const whereIs = (entry: EnvEntry) => (model.root.contains(entry.keyNode) ? `line ${entry.keyNode.startRow + 1}` : 'in the imported image');
    for (const registration of model.registrations) {
      if (registration.kind === 'local_entrypoint') continue;
      const imageEnv = new Map(imageEnvEntries(model, model.imageOf(registration)).map((entry) => [entry.key, entry]));
      const argumentEnv = new Map(dictEntries(model, registration.args.keywords.get('env')).map((entry) => [entry.key, entry]));
      for (const secret of attachedSecretCalls(model, registration)) {
        if (secret.model !== model) continue;
        const visible = secretEntries(model, secret.node);
        for (const entry of visible?.entries ?? []) {
          if (reported.has(entry.keyNode) || !model.root.contains(entry.keyNode) || mayBeNone(model, entry.valueNode)) continue;
          const fromArgument = argumentEnv.get(entry.key);
          const fromImage = imageEnv.get(entry.key);
          if (fromArgument && !mayBeNone(model, fromArgument.valueNode) && !sameValue(model, fromArgument, entry)) {
            report(entry.keyNode, 'shadowedByEnvArgument', { key: entry.key, where: whereIs(fromArgument) });
          } else if (fromImage && !sameValue(model, fromImage, entry)) {
            report(entry.keyNode, 'overridesImageEnv', { key: entry.key, where: whereIs(fromImage) });
          } else if (RESERVED_KEYS.has(entry.key)) {
            report(entry.keyNode, 'reservedVariable', { key: entry.key });
          } else if (visible!.source === 'from_dict' && CONFIG_KEYS.has(entry.key)) {
            report(entry.keyNode, 'configInSecret', { key: entry.key });
          } else continue;
          reported.add(entry.keyNode);
        }
      }
    }
  },
});
