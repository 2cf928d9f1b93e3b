/**
 * Modal names and keyword arguments that were removed, turned into errors or deprecated, with
 * the version that did it and what to write instead (from modal-client's changelogs and the
 * commits that deleted them).
 */
export interface LegacyApi {
  /** What to do instead, as a Markdown clause that starts with a verb ("use `modal.App`"). */
  replacement: string;
  /** The Modal version that removed it, made it raise, or deprecated it. */
  version: string;
  /** Still defined, but raises a DeprecationError when used (rather than being gone). */
  raises?: boolean;
  /** A keyword Modal simply renamed: the fix writes this name instead. */
  renamedTo?: string;
}

const OBJECT_LOOKUP_KINDS = ['Function', 'Cls', 'Dict', 'Queue', 'Volume', 'Secret', 'NetworkFileSystem', 'Environment'];

/** Qualified names (`modal.X.y`) that no longer exist or always raise. `modal.App.lookup` is current. */
export const REMOVED_NAMES: Record<string, LegacyApi> = {
  'modal.Stub': { replacement: 'use `modal.App` (a plain rename)', version: '1.0.0' },
  'modal.SharedVolume': { replacement: 'use a `modal.Volume`', version: '0.62.162' },
  'modal.Mount': { replacement: 'add local files to the Image with `image.add_local_dir`, `add_local_file` or `add_local_python_source`', version: '1.0.0' },
  'modal.gpu': { replacement: 'pass a GPU string such as `gpu="H100"` or `gpu="A100-80GB:2"`', version: '1.4.0' },
  'modal.build': { replacement: 'keep build-time downloads on a `modal.Volume` loaded in `@modal.enter()`, or bake them in with `Image.run_function`', version: '1.1.0' },
  'modal.web_endpoint': { replacement: 'use `@modal.fastapi_endpoint` (same arguments)', version: '1.4.0', raises: true },
  'modal.functions.gather': { replacement: 'use `modal.FunctionCall.gather`', version: '1.4.0' },
  'modal.experimental.update_autoscaler': { replacement: 'use `Function.update_autoscaler(...)`', version: '1.2.0' },
  'modal.Image.from_dockerhub': { replacement: 'use `modal.Image.from_registry`', version: '0.62.2' },
  'modal.Image.conda': { replacement: 'use `modal.Image.micromamba`', version: '0.73.67' },
  ...Object.fromEntries(OBJECT_LOOKUP_KINDS.map((kind) => [`modal.${kind}.lookup`, { replacement: `use \`modal.${kind}.from_name(...)\` (lazy: it contacts Modal on first use)`, version: '1.2.0' }])),
  ...Object.fromEntries(['Dict', 'Queue', 'Volume', 'NetworkFileSystem'].map((kind) => [`modal.${kind}.new`, { replacement: `use \`modal.${kind}.from_name(...)\`, or \`modal.${kind}.ephemeral()\` in scripts`, version: '0.68.41' }])),
  // modal-client commit c9ee68067 (2024-04-05) stopped exporting it.
  'modal.container_app': { replacement: 'refer to Functions and objects through their module-level variables, e.g. `modal.Dict.from_name(...)` or the decorated function itself', version: '0.62.38' },
  // Commit 0c48dbf9a (2024-03-27) deleted these along with `Function.call`.
  'modal.ClsMixin': { replacement: 'remove it from the class bases (`@app.cls` classes need no mixin)', version: '0.62.2' },
  'modal.create_package_mounts': { replacement: 'add local packages to the Image with `image.add_local_python_source(...)`', version: '0.62.2' },
  // Commit fd00e7eb7 (2024-11-20); they had raised since 2024-03.
  ...Object.fromEntries(['Dict', 'Queue', 'Volume', 'NetworkFileSystem'].map((kind) => [`modal.${kind}.persisted`, { replacement: `use \`modal.${kind}.from_name(name, create_if_missing=True)\``, version: '0.66.19' }])),
  ...Object.fromEntries(['Dict', 'Queue', 'Volume', 'Secret'].flatMap((kind) => [
    [`modal.${kind}.create_deployed`, { replacement: `use \`modal.${kind}.objects.create(...)\``, version: '1.5.0' }],
    [`modal.${kind}.delete`, { replacement: `use \`modal.${kind}.objects.delete(...)\``, version: '1.5.0' }],
  ])),
};

/** `Function.call`, removed in commit 0c48dbf9a (2024-03-27); it had raised since 2023-08-16. */
export const FUNCTION_CALL: LegacyApi = { replacement: 'use `.remote(...)` (`.remote_gen(...)` for a generator function)', version: '0.62.2' };

/** A `Stub` method that `modal.App` no longer has, and the web decorator that replaces it. */
export interface RemovedAppMethod extends LegacyApi {
  /** `@app.function()` plus this `modal.*` web decorator replaces the method. */
  webDecorator?: 'fastapi_endpoint' | 'asgi_app' | 'wsgi_app';
}

/**
 * Decorators and methods of the old `Stub`: `webhook`, `asgi` and `wsgi` (deleted in commit
 * 3138cb8a3, 2023-07-02), `web_endpoint`, `asgi_app`, `wsgi_app` and `interactive_shell`
 * (commit e88c25bbe, 2023-07-25), `serve` (3138cb8a3). `App.deploy` came back and is current.
 */
export const REMOVED_APP_METHODS: Record<string, RemovedAppMethod> = {
  webhook: { replacement: 'decorate the function with `@app.function(...)` and `@modal.fastapi_endpoint(...)`', version: '0.50.2538', webDecorator: 'fastapi_endpoint' },
  asgi: { replacement: 'decorate the function with `@app.function(...)` and `@modal.asgi_app()`', version: '0.50.2538', webDecorator: 'asgi_app' },
  wsgi: { replacement: 'decorate the function with `@app.function(...)` and `@modal.wsgi_app()`', version: '0.50.2538', webDecorator: 'wsgi_app' },
  web_endpoint: { replacement: 'decorate the function with `@app.function(...)` and `@modal.fastapi_endpoint(...)`', version: '0.50.2735', webDecorator: 'fastapi_endpoint' },
  asgi_app: { replacement: 'decorate the function with `@app.function(...)` and `@modal.asgi_app()`', version: '0.50.2735', webDecorator: 'asgi_app' },
  wsgi_app: { replacement: 'decorate the function with `@app.function(...)` and `@modal.wsgi_app()`', version: '0.50.2735', webDecorator: 'wsgi_app' },
  interactive_shell: { replacement: 'run `modal shell` instead', version: '0.50.2735' },
  serve: { replacement: 'run `modal serve` instead', version: '0.50.2538' },
};

/** Methods of an Image chain that were removed. */
export const REMOVED_IMAGE_METHODS: Record<string, LegacyApi> = {
  copy_local_file: { replacement: 'use `add_local_file(local_path, remote_path, copy=True)`', version: '1.1.0' },
  copy_local_dir: { replacement: 'use `add_local_dir(local_path, remote_path, copy=True)`', version: '1.1.0' },
  conda_install: { replacement: 'use `micromamba_install` on a `modal.Image.micromamba()` base', version: '0.73.67' },
  conda_update_from_environment: { replacement: 'use `micromamba_install(spec_file=...)` on a `modal.Image.micromamba()` base', version: '0.73.67' },
  extend: { replacement: 'use `dockerfile_commands` or `run_commands`', version: '0.68.42' },
  from_dockerhub: { replacement: 'use `from_registry`', version: '0.62.2' },
};

/** Keyword arguments of `@app.function`, `@app.cls` and `@app.server` that were removed or now raise. */
export const REMOVED_REGISTRATION_KEYWORDS: Record<string, LegacyApi> = {
  keep_warm: { replacement: 'rename it to `min_containers`', version: '1.4.0', raises: true, renamedTo: 'min_containers' },
  concurrency_limit: { replacement: 'rename it to `max_containers`', version: '1.4.0', raises: true, renamedTo: 'max_containers' },
  container_idle_timeout: { replacement: 'rename it to `scaledown_window`', version: '1.4.0', raises: true, renamedTo: 'scaledown_window' },
  allow_concurrent_inputs: { replacement: 'use `@modal.concurrent(max_inputs=...)` below the App decorator', version: '1.4.0', raises: true },
  // Commit f005a5063 (0.64.44) dropped it from `@app.cls` and `Image.run_function` (TypeError) and stopped passing
  // it on from `@app.function`; commit 1e261ac97 (0.64.55) dropped that parameter too.
  secret: { replacement: 'pass a list to `secrets=[...]`', version: '0.64.44', raises: true },
  mounts: { replacement: 'add local files to the Image with `image.add_local_dir`, `add_local_file` or `add_local_python_source`', version: '1.0.0' },
  shared_volumes: { replacement: 'use `volumes=` with a `modal.Volume`', version: '0.62.2' },
  interactive: { replacement: 'run with `modal run --interactive` instead', version: '0.65.33' },
  checkpointing_enabled: { replacement: 'use `enable_memory_snapshot=`', version: '0.65.30' },
  enable_checkpointing: { replacement: 'use `enable_memory_snapshot=`', version: '0.65.30' },
  allow_cross_region_volumes: { replacement: 'remove it (cross-region volumes are always allowed)', version: '1.2.0' },
  _allow_background_volume_commits: { replacement: 'remove it (background commits are always on)', version: '0.64.58' },
  _experimental_boost: { replacement: 'remove it (boost is always on)', version: '0.64.139' },
  _experimental_buffer_containers: { replacement: 'rename it to `buffer_containers`', version: '1.4.0', renamedTo: 'buffer_containers' },
  _experimental_scheduler_placement: { replacement: 'use `region=` or `nonpreemptible=`', version: '1.4.0' },
  _experimental_custom_scaling_factor: { replacement: 'remove it', version: '1.4.0' },
  _experimental_proxy_ip: { replacement: 'use `proxy=` with a `modal.Proxy`', version: '1.4.2' },
};

/** `secret=` on `@app.function`: silently ignored from 0.64.44, a TypeError since 0.64.55. */
export const FUNCTION_SECRET_KEYWORD: LegacyApi = { replacement: 'pass a list to `secrets=[...]` (from Modal 0.64.44 to 0.64.54 the Secret was silently not attached)', version: '0.64.55', raises: true };

/** Autoscaler keywords that `Function.with_options` / `Cls.with_options` also reject. */
export const REMOVED_WITH_OPTIONS_KEYWORDS: Record<string, LegacyApi> = {
  keep_warm: REMOVED_REGISTRATION_KEYWORDS.keep_warm!,
  concurrency_limit: REMOVED_REGISTRATION_KEYWORDS.concurrency_limit!,
  container_idle_timeout: REMOVED_REGISTRATION_KEYWORDS.container_idle_timeout!,
  allow_concurrent_inputs: { replacement: 'use `Cls.with_concurrency(max_inputs=...)`', version: '1.4.0', raises: true },
};

/** Keywords of `from_name` / `lookup` calls that were removed. */
export const REMOVED_LOOKUP_KEYWORDS: Record<string, LegacyApi> = {
  namespace: { replacement: 'remove it', version: '1.4.0' },
  label: { replacement: 'pass the name by position or as `name=`', version: '1.0.0', renamedTo: 'name' },
  tag: { replacement: 'pass the name by position or as `name=`', version: '1.0.0', renamedTo: 'name' },
};

const ENTER = 'move its body into a method decorated with `@modal.enter()`';
const EXIT = 'move its body into a method decorated with `@modal.exit()`';
const BUILD = 'download build-time files with `Image.run_function`, or onto a `modal.Volume` from a `@modal.enter()` method';

/** Lifecycle methods Modal used to find by name; now only `@modal.enter()` / `@modal.exit()` methods run. */
export const DUNDER_LIFECYCLE_METHODS: Record<string, string> = {
  __enter__: ENTER, __aenter__: ENTER, __exit__: EXIT, __aexit__: EXIT, __build__: BUILD, __abuild__: BUILD,
};

/** Deprecated, still working, names (a warning at run time unless noted). */
export const DEPRECATED_NAMES: Record<string, LegacyApi> = {
  'modal.Image.from_id.aio': { replacement: 'call `modal.Image.from_id(...)` without `.aio` (it does no I/O)', version: '1.3.0' },
  'modal.FunctionCall.from_id.aio': { replacement: 'call `modal.FunctionCall.from_id(...)` without `.aio` (it does no I/O)', version: '1.3.0' },
  'modal.SandboxSnapshot.from_id.aio': { replacement: 'call `modal.SandboxSnapshot.from_id(...)` without `.aio` (it does no I/O)', version: '1.3.0' },
  'modal.billing.workspace_billing_report': { replacement: 'use `workspace.billing.report()` on a `modal.Workspace`', version: '1.5.1' },
  // Commit 05f853102 marked it in the docs during 1.1.5.dev; 1.1.5 was never released, 1.2.0 is the first release with it.
  'modal.NetworkFileSystem': { replacement: 'move the data to a `modal.Volume` (the docs mark NetworkFileSystem as deprecated and due for removal)', version: '1.2.0' },
};

/** Deprecated methods of a proven `modal.Sandbox`. */
export const DEPRECATED_SANDBOX_METHODS: Record<string, LegacyApi> = {
  open: { replacement: 'use the `sb.filesystem` methods', version: '1.4.0' },
  ls: { replacement: 'use `sb.filesystem.list_files()`', version: '1.4.3' },
  mkdir: { replacement: 'use `sb.filesystem.make_directory()`', version: '1.4.2' },
  rm: { replacement: 'use `sb.filesystem.remove()`', version: '1.4.2' },
  watch: { replacement: 'use `sb.filesystem.watch()`', version: '1.5.0' },
};

/** Deprecated keywords of `modal.Sandbox.create`. */
export const DEPRECATED_SANDBOX_CREATE_KEYWORDS: Record<string, LegacyApi> = {
  environment_name: { replacement: 'remove it (the App decides the Environment)', version: '1.1.0' },
  pty_info: { replacement: 'use `pty=True`', version: '1.2.0' },
  cidr_allowlist: { replacement: 'rename it to `outbound_cidr_allowlist`', version: '1.4.3', renamedTo: 'outbound_cidr_allowlist' },
};

/** Methods removed from objects that `removed-api` reports on their receiver (`kinds` null: any Modal object). */
export const RECEIVER_APIS: Record<string, { kinds: string[] | null; api: LegacyApi }> = {
  spawn_sandbox: { kinds: ['App'], api: { replacement: 'use `modal.Sandbox.create(..., app=app)`', version: '0.68.27' } },
  keep_warm: { kinds: ['Function'], api: { replacement: 'use `f.update_autoscaler(min_containers=n)`', version: '1.4.0' } },
  resolve: { kinds: null, api: { replacement: 'use `.hydrate()`, or rely on lazy hydration', version: '1.0.0' } },
  is_inside: { kinds: ['App'], api: { replacement: 'import container-only packages under `with image.imports():`, or test `modal.is_local()`', version: '0.64.35' } },
  run_inside: { kinds: ['App'], api: { replacement: 'import container-only packages under `with image.imports():`', version: '0.64.35' } },
};
