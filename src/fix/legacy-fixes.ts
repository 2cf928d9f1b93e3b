import type { SyntaxNode } from '../parser/syntax.js';
import { callArguments, type ModalModel, type Registration } from '../model/model.js';
import { gpuStringOfLegacyObject } from '../model/legacy-gpu.js';
import { enclosingScope } from '../model/scope.js';
import type { Fix, TextEdit } from '../rules/types.js';
import { appendAfterItem, appendArgument, deleteStatement, indentationOf, insertAt, lineBreakOf, nextLineStart, removeListItem, replaceNode } from './edits.js';

/** Fixes for Modal APIs that were renamed or replaced, shared by the migration rules. */

/** `keep_warm=1` -> `min_containers=1`, unless the call already passes the new name. */
export function renameKeywordFix(keywordArgument: SyntaxNode, newName: string): Fix | undefined {
  const name = keywordArgument.field('name');
  const siblings = keywordArgument.parent?.namedChildren ?? [];
  if (!name || siblings.some((arg) => arg.type === 'keyword_argument' && arg.field('name')?.text === newName)) return undefined;
  return { safety: 'safe', title: `Rename \`${name.text}\` to \`${newName}\``, edits: [replaceNode(name, newName)] };
}

/** `secret=s` -> `secrets=[s]`, unless `secrets=` is passed too or the value is not one Secret. */
export function singularSecretFix(keywordArgument: SyntaxNode): Fix | undefined {
  const name = keywordArgument.field('name');
  const value = keywordArgument.field('value');
  if (!name || !value || ['none', 'list', 'tuple', 'list_comprehension'].includes(value.type)) return undefined;
  if (renameKeywordFix(keywordArgument, 'secrets') === undefined) return undefined;
  return {
    safety: 'safe',
    title: 'Pass the Secret in `secrets=[...]`',
    edits: [replaceNode(name, 'secrets'), insertAt(value.startIndex, '['), insertAt(value.endIndex, ']')],
  };
}

/**
 * `allow_concurrent_inputs=N` -> `@modal.concurrent(max_inputs=N)` directly below the App
 * decorator (Modal rejects `modal.*` decorators stacked above `@app.function` / `@app.cls`).
 */
export function concurrentDecoratorFix(model: ModalModel, registration: Registration, keywordArgument: SyntaxNode): Fix | undefined {
  const value = keywordArgument.field('value');
  const { decorator, target } = registration;
  if (!value || !decorator || !target || (registration.kind !== 'function' && registration.kind !== 'cls')) return undefined;
  if (['true', 'false', 'none', 'string'].includes(value.type)) return undefined;
  if (model.modalDecoratorsOf(target).some((d) => d.name === 'concurrent')) return undefined;
  const edits: TextEdit[] = [];
  let concurrent = modalReference(model, 'concurrent');
  if (!concurrent) {
    // `from modal import App, method`: import `concurrent` there too.
    const addImport = addToModalImport(model, 'concurrent');
    if (!addImport) return undefined;
    edits.push(addImport);
    concurrent = 'concurrent';
  }
  edits.push(
    removeListItem(keywordArgument),
    // A line of its own below the App decorator: inserted at the start of the next line, so a
    // trailing comment or a CRLF ending of the decorator's line stays as it was.
    insertAt(nextLineStart(decorator), `${indentationOf(decorator)}@${concurrent}(max_inputs=${value.text})${lineBreakOf(decorator.source)}`),
  );
  return { safety: 'unsafe', title: `Replace \`allow_concurrent_inputs\` with \`@${concurrent}(max_inputs=...)\``, edits };
}

/** Adds `name` to the module's `from modal import ...`, unless the module binds `name` already (`import concurrent.futures`). */
function addToModalImport(model: ModalModel, name: string): TextEdit | null {
  if (model.importOf(name) || model.imports.some((binding) => binding.localName === name)) return null;
  if ([...model.root.descendants()].some((node) => node.type === 'identifier' && node.text === name && node.fieldName !== 'attribute')) return null;
  const statement = model.imports.find((binding) => binding.level === 0 && binding.module === 'modal' && binding.importedName !== undefined
    && binding.importedName !== '*' && enclosingScope(binding.statement) === model.root)?.statement;
  const last = statement?.fields('name').at(-1);
  return last ? appendAfterItem(last, name) : null;
}

/** How this module can spell `modal.<name>`: `modal.concurrent`, `m.concurrent`, or an imported `concurrent`. */
export function modalReference(model: ModalModel, name: string): string | null {
  const atModuleLevel = model.imports.filter((binding) => binding.level === 0 && enclosingScope(binding.statement) === model.root);
  const moduleImport = atModuleLevel.find((binding) => binding.module === 'modal' && binding.importedName === undefined);
  if (moduleImport) return `${moduleImport.localName}.${name}`;
  const direct = atModuleLevel.find((binding) => binding.module === 'modal' && binding.importedName === name);
  return direct ? direct.localName : null;
}

/** `modal.gpu.A100(size="80GB", count=2)` -> `"A100-80GB:2"` where the object only ever reaches `gpu=`. */
export function gpuObjectFix(model: ModalModel, call: SyntaxNode): Fix | undefined {
  const gpu = gpuStringOfLegacyObject(model, call);
  if (!gpu || !onlyUsedAsGpu(model, call)) return undefined;
  return { safety: 'safe', title: `Replace with \`"${gpu}"\``, edits: [replaceNode(call, `"${gpu}"`)] };
}

/** The object is a `gpu=` value (or an item of one), or a module constant whose every use is. */
function onlyUsedAsGpu(model: ModalModel, expression: SyntaxNode): boolean {
  const parent = expression.parent;
  if (parent?.type === 'keyword_argument' && parent.field('name')?.text === 'gpu') return true;
  if (parent?.type === 'list' && parent.parent?.type === 'keyword_argument' && parent.parent.field('name')?.text === 'gpu') return true;
  if (parent?.type !== 'assignment' || parent.field('right') !== expression || parent.field('left')?.type !== 'identifier') return false;
  const name = parent.field('left')!.text;
  if (enclosingScope(parent) !== model.root) return false;
  const uses = [...model.root.descendants()].filter((node) => node.type === 'identifier' && node.text === name && node !== parent.field('left'));
  return uses.length > 0 && uses.every((use) => {
    if (use.fieldName === 'attribute' || use.fieldName === 'name') return false;
    const bindings = model.bindingsFor(use);
    return bindings.length === 1 && bindings[0]!.statement.contains(parent) && onlyUsedAsGpu(model, use);
  });
}

/**
 * `image.copy_local_dir("data", "/data")` -> `image.add_local_dir("data", "/data", copy=True)`.
 * The old methods COPYed into the image at build time, which is what `copy=True` does. Only when
 * the remote path is an absolute literal: the old default (`"."`) was relative to the image's
 * working directory, which the new methods do not accept.
 */
export function copyLocalFix(model: ModalModel, call: SyntaxNode, method: 'copy_local_file' | 'copy_local_dir'): Fix | undefined {
  const callee = call.field('function');
  const argumentList = call.field('arguments');
  const args = callArguments(call);
  const isDir = method === 'copy_local_dir';
  const known = isDir ? ['local_path', 'remote_path', 'ignore'] : ['local_path', 'remote_path'];
  if (!callee || !argumentList || args.hasSplat || args.keywords.has('copy')) return undefined;
  if (args.positional.length > known.length || [...args.keywords.keys()].some((k) => !known.includes(k))) return undefined;
  const remote = model.resolve(args.positional[1] ?? args.keywords.get('remote_path'));
  if (remote.kind !== 'str' || !remote.value.startsWith('/')) return undefined;
  const replacement = isDir ? 'add_local_dir' : 'add_local_file';
  const edits: TextEdit[] = [replaceNode(callee.field('attribute')!, replacement), appendArgument(argumentList, 'copy=True')];
  // `ignore` was the third positional parameter of `copy_local_dir`; it is keyword-only now.
  if (args.positional[2]) edits.push(insertAt(args.positional[2].startIndex, 'ignore='));
  return { safety: 'safe', title: `Use \`${replacement}(..., copy=True)\``, edits };
}

/** Parameters of the lazy `from_name` that replaced each eager `lookup`. */
const FROM_NAME_PARAMETERS: Record<string, { positional: number; keywords: string[] }> = {
  Function: { positional: 2, keywords: ['app_name', 'name', 'environment_name', 'client'] },
  Cls: { positional: 2, keywords: ['app_name', 'name', 'environment_name', 'client'] },
  Dict: { positional: 1, keywords: ['name', 'environment_name', 'create_if_missing', 'client'] },
  Queue: { positional: 1, keywords: ['name', 'environment_name', 'create_if_missing', 'client'] },
  NetworkFileSystem: { positional: 1, keywords: ['name', 'environment_name', 'create_if_missing', 'client'] },
  Volume: { positional: 1, keywords: ['name', 'environment_name', 'create_if_missing', 'version', 'client'] },
  Secret: { positional: 1, keywords: ['name', 'environment_name', 'required_keys', 'client'] },
  Environment: { positional: 1, keywords: ['name', 'create_if_missing', 'client'] },
};

/** `modal.Function.lookup(app, name)` -> `modal.Function.from_name(app, name)`: lazy instead of eager, so unsafe. */
export function lookupFix(kind: string, lookupAttribute: SyntaxNode): Fix | undefined {
  const call = lookupAttribute.parent;
  const parameters = FROM_NAME_PARAMETERS[kind];
  if (!parameters || call?.type !== 'call' || call.field('function') !== lookupAttribute) return undefined;
  const args = callArguments(call);
  if (args.hasSplat || args.positional.length > parameters.positional) return undefined;
  if ([...args.keywords.keys()].some((keyword) => !parameters.keywords.includes(keyword))) return undefined;
  return {
    safety: 'unsafe',
    title: `Use the lazy \`${kind}.from_name\``,
    edits: [replaceNode(lookupAttribute.field('attribute')!, 'from_name')],
  };
}

/**
 * `from modal import Stub` -> `from modal import App`, renaming every use in the module with it
 * (one fix, so the import and its uses never disagree). Undefined when the new name is already
 * taken by something that is not Modal's, or a use cannot be renamed.
 */
export function renameImportedNameFix(
  model: ModalModel,
  nameNode: SyntaxNode,
  uses: SyntaxNode[],
  newName: string,
): Fix | undefined {
  const aliased = nameNode.type === 'aliased_import';
  const importedName = aliased ? nameNode.field('name')! : nameNode;
  const oldName = importedName.text;
  const statement = nameNode.parent!;
  const taken = [...model.root.descendants()].filter((node) => node.type === 'identifier' && node.text === newName && node.fieldName !== 'attribute' && !(node.fieldName === 'name' && node.parent?.type === 'keyword_argument'));
  if (!aliased && taken.some((node) => model.qualifiedName(node) !== `modal.${newName}` || !model.bindingsFor(node).every((b) => b.kind === 'import'))) return undefined;
  const edits: TextEdit[] = [];
  const alreadyImported = statement.fields('name').some((other) => other.type === 'dotted_name' && other.text === newName);
  edits.push(!aliased && alreadyImported ? removeListItem(nameNode) : replaceNode(importedName, newName));
  if (!aliased) edits.push(...uses.map((use) => replaceNode(use, newName)));
  return { safety: 'safe', title: `Import \`${newName}\` instead of \`${oldName}\``, edits };
}

/**
 * Once nothing uses what it binds: `import modal.gpu` -> `import modal`, `from modal.gpu import A100`
 * is deleted, and `gpu` leaves `from modal import App, gpu`.
 */
export function unusedImportFix(statement: SyntaxNode, imported: SyntaxNode, stillUsed: boolean): Fix | undefined {
  if (stillUsed) return undefined;
  const names = statement.fields('name');
  if (statement.type === 'import_statement') {
    if (names.length !== 1 || imported.parent !== statement) return undefined;
    return { safety: 'safe', title: 'Import `modal` instead', edits: [replaceNode(imported, 'modal')] };
  }
  if (names.length > 1 && names.includes(imported)) return { safety: 'safe', title: 'Remove the unused import', edits: [removeListItem(imported)] };
  const deletion = deleteStatement(statement);
  return deletion ? { safety: 'safe', title: 'Remove the unused import', edits: [deletion] } : undefined;
}

/** `modal.Volume.persisted(name)` -> `modal.Volume.from_name(name, create_if_missing=True)`, Modal's own replacement text. */
export function persistedFix(persistedAttribute: SyntaxNode): Fix | undefined {
  const call = persistedAttribute.parent;
  if (call?.type !== 'call' || call.field('function') !== persistedAttribute) return undefined;
  const args = callArguments(call);
  // `namespace=` is gone and NetworkFileSystem's `cloud=` has no `from_name` counterpart.
  if (args.hasSplat || args.positional.length !== 1 || [...args.keywords.keys()].some((keyword) => keyword !== 'environment_name')) return undefined;
  return {
    safety: 'safe',
    title: 'Use `from_name(name, create_if_missing=True)`',
    edits: [replaceNode(persistedAttribute.field('attribute')!, 'from_name'), appendArgument(call.field('arguments')!, 'create_if_missing=True')],
  };
}

/** Keywords the modern web decorators accept, by decorator; the others of an old `Stub` decorator go to `@app.function`. */
const WEB_DECORATOR_KEYWORDS: Record<string, ReadonlySet<string>> = {
  fastapi_endpoint: new Set(['method', 'label', 'custom_domains', 'docs', 'requires_proxy_auth']),
  asgi_app: new Set(['label', 'custom_domains', 'requires_proxy_auth']),
  wsgi_app: new Set(['label', 'custom_domains', 'requires_proxy_auth']),
};
/** Web keywords Modal removed: the split would hand them to `@app.function`, which rejects them. */
const REMOVED_WEB_KEYWORDS = new Set(['wait_for_response']);

/**
 * `@stub.webhook(method="POST", secrets=[s])` -> `@stub.function(secrets=[s])` over
 * `@modal.fastapi_endpoint(method="POST")` (or `asgi_app` / `wsgi_app`): the web keywords move to
 * the web decorator, the others stay on the App decorator. Only for a decorator with keyword
 * arguments alone and no comments inside, in a module that can spell `modal.<decorator>`.
 */
export function appWebDecoratorFix(model: ModalModel, attribute: SyntaxNode, webDecorator: string): Fix | undefined {
  const call = attribute.parent?.type === 'call' && attribute.fieldName === 'function' ? attribute.parent : null;
  const decorator = (call ?? attribute).parent;
  const reference = modalReference(model, webDecorator);
  if (decorator?.type !== 'decorator' || !reference) return undefined;
  const args = callArguments(call);
  if (args.hasSplat || args.positional.length > 0) return undefined;
  if (call && [...call.field('arguments')!.descendants()].some((node) => node.type === 'comment')) return undefined;
  const webKeywords = WEB_DECORATOR_KEYWORDS[webDecorator]!;
  const web: string[] = [];
  const rest: string[] = [];
  for (const [keyword, argument] of args.keywordNodes) {
    if (REMOVED_WEB_KEYWORDS.has(keyword)) return undefined;
    (webKeywords.has(keyword) ? web : rest).push(argument.text);
  }
  const safe = webDecorator !== 'fastapi_endpoint';
  return {
    // `fastapi_endpoint` imports FastAPI in the container (_runtime/asgi.py), which the Image must install.
    safety: safe ? 'safe' : 'unsafe',
    title: `Use \`@${attribute.field('object')!.text}.function(...)\` and \`@${reference}(...)\``,
    edits: [
      replaceNode(call ?? attribute, `${attribute.field('object')!.text}.function(${rest.join(', ')})`),
      insertAt(nextLineStart(decorator), `${indentationOf(decorator)}@${reference}(${web.join(', ')})${lineBreakOf(decorator.source)}`),
    ],
  };
}

/** `f.call(...)` -> `f.remote(...)`, or `f.remote_gen(...)` for a function proven to be a generator. */
export function functionCallFix(callAttribute: SyntaxNode, generator: boolean): Fix {
  const name = generator ? 'remote_gen' : 'remote';
  return { safety: 'safe', title: `Rename to \`.${name}\``, edits: [replaceNode(callAttribute.field('attribute')!, name)] };
}

/** `class Model(modal.ClsMixin):` -> `class Model:`; Modal's own deprecation said it "can be safely removed" (cls.py before 0c48dbf9a). */
export function clsMixinFix(base: SyntaxNode): Fix | undefined {
  const bases = base.parent;
  if (bases?.type !== 'argument_list' || bases.parent?.type !== 'class_definition' || base.fieldName === 'value') return undefined;
  if (bases.children.some((child) => child.type === 'comment')) return undefined;
  const edit = bases.namedChildren.length === 1 ? replaceNode(bases, '') : removeListItem(base);
  return { safety: 'safe', title: 'Remove `ClsMixin` from the class bases', edits: [edit] };
}
