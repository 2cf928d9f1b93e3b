import type { SyntaxNode } from '../parser/syntax.js';
import { describeArgument } from '../model/argument-types.js';
import { callArguments, type ModalModel } from '../model/model.js';
import { defineRule } from './types.js';

type MessageId = 'appImageByPosition' | 'appName' | 'appImage' | 'appSecrets' | 'appSecretItem' | 'registrationImage'
  | 'registrationImageByPosition' | 'retries' | 'entrypointName' | 'secretDict' | 'secretDictKey' | 'secretDictValue';

/** Top-level code outside any function, condition or `try` runs whenever the module is imported. */
function runsOnImport(node: SyntaxNode): boolean {
  for (const ancestor of node.ancestors()) {
    if (['function_definition', 'lambda', 'if_statement', 'conditional_expression', 'try_statement'].includes(ancestor.type)) return false;
  }
  return true;
}

function isImage(model: ModalModel, node: SyntaxNode | undefined): boolean {
  return describeArgument(model, node) === 'a `modal.Image`';
}

export default defineRule({
  id: 'invalid-argument-type',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'very-high',
  tags: ['configuration', 'import-time'],
  summary: 'Argument of an App, a registration or `Secret.from_dict` whose type Modal rejects.',
  docs: {
    what: 'Checks the types Modal checks when an App is defined: `modal.App(name)` that is not a string (typically the image given by position, `modal.App(image)`), `modal.App(image=...)` that is not a `modal.Image`, `modal.App(secrets=...)` that is not a list or tuple of `modal.Secret` objects (a single Secret, or secret names as strings); `@app.function(image)` with the image given by position; `image=` of `@app.function` / `@app.cls` that is not a `modal.Image`; `retries=` that is neither an int nor a `modal.Retries(...)`; `@app.local_entrypoint(name=...)` that is not a string; and `modal.Secret.from_dict(...)` given something other than a dict of string keys and string (or `None`) values. A value is checked only when it is a literal (through module constants and both arms of a conditional) or a Modal object the model can prove; names it cannot resolve, `**options` splats and files where `modal` is a project module are left alone.',
    why: 'Each of these raises InvalidError in modal-client 1.5.4 while the App is being defined, so `modal run`, `modal deploy` and every container start fail at import: `App.__init__` checks `name`, `image` and `secrets` (`modal/app.py:228-242`, `check_sequence` at `app.py:90-94`); `App.function` rejects an Image given by position (`app.py:870-872`); `_Function.from_local` rejects a registration `image=` that is not an Image (`_functions.py:849-850`) and `_parse_retries` a `retries=` that is neither an int nor `modal.Retries` (`_utils/function_utils.py:145-162`, called at `_functions.py:743`); `App.local_entrypoint` checks `name` (`app.py:766-767`); `Secret.from_dict` checks that it gets a dict of strings (`secret.py:296-303`).',
    example: 'image = modal.Image.debian_slim()\napp = modal.App(image, secrets=modal.Secret.from_name("api-key"))\n\n@app.function(retries="3")\ndef work(): ...',
    useInstead: 'image = modal.Image.debian_slim()\napp = modal.App("my-app", image=image, secrets=[modal.Secret.from_name("api-key")])\n\n@app.function(retries=3)\ndef work(): ...',
    link: 'https://modal.com/docs/reference/modal.App',
  },
  messages: {
    appImageByPosition: '`{call}(...)` takes the App name by position, and this is an Image: Modal raises InvalidError ("Invalid value for `name`: Must be string") when this line runs{consequence}; pass it as `image=`.',
    appName: 'The App name is {actual}, not a string: Modal raises InvalidError ("Invalid value for `name`: Must be string") when this line runs{consequence}.',
    appImage: '`image=` is {actual}, not a `modal.Image`: Modal raises InvalidError when this line runs{consequence}; build one with `modal.Image.debian_slim()`, `modal.Image.from_registry(...)`, ...',
    appSecrets: '`secrets=` is {actual}, not a list or tuple: Modal raises InvalidError ("`secrets=` has to be a list or tuple of `modal.Secret` objects") when this line runs{consequence}; write `secrets=[...]`.',
    appSecretItem: 'This item of `secrets=` is {actual}, not a `modal.Secret`: Modal raises InvalidError when this line runs{consequence}; use `modal.Secret.from_name(...)` for a Secret by name.',
    registrationImageByPosition: '`@{registration}(...)` takes its image only as a keyword: Modal raises InvalidError ("`image` needs to be a keyword argument") at import; write `image=...`.',
    registrationImage: '`image=` is {actual}, not a `modal.Image`: Modal raises InvalidError ("Expected modal.Image object") at import when it creates the function; build one with `modal.Image.debian_slim()`, `modal.Image.from_registry(...)`, ...',
    retries: '`retries=` is {actual}: Modal accepts an int or a `modal.Retries(...)` and raises InvalidError ("Retries parameter must be an integer or instance of modal.Retries") at import.',
    entrypointName: '`name=` of `@{registration}(...)` is {actual}, not a string: Modal raises InvalidError ("Invalid value for `name`: Must be string") at import.',
    secretDict: '`Secret.from_dict` takes a dict, and this is {actual}: Modal raises InvalidError when this line runs{consequence}.',
    secretDictKey: 'This key of `Secret.from_dict` is {actual}, not a string: Modal raises InvalidError when this line runs{consequence}.',
    secretDictValue: 'This value of `Secret.from_dict` is {actual}: Modal accepts only strings (or `None`, which leaves the variable out) and raises InvalidError when this line runs{consequence}; write it as a string.',
  },
  check({ model, report }) {
    if (model.modalShadowed) return;
    const atCall = (node: SyntaxNode, id: MessageId, data: Record<string, string>, line: SyntaxNode) =>
      report(node, id, { ...data, consequence: runsOnImport(line) ? ', so importing the module fails' : '' });

    for (const app of model.apps) {
      if (app.constructor !== 'App') continue;
      const args = callArguments(app.call);
      const call = app.call.field('function')!.text;
      const name = args.keywords.get('name') ?? args.positional[0];
      const actualName = describeArgument(model, name);
      if (name && actualName === 'a `modal.Image`' && !args.keywords.has('name')) atCall(name, 'appImageByPosition', { call }, app.call);
      else if (name && actualName && !['a string', '`None`'].includes(actualName)) atCall(name, 'appName', { actual: actualName }, app.call);
      const image = args.keywords.get('image');
      const actualImage = describeArgument(model, image);
      if (image && actualImage && !['a `modal.Image`', '`None`'].includes(actualImage)) atCall(image, 'appImage', { actual: actualImage }, app.call);
      const secrets = args.keywords.get('secrets');
      const actualSecrets = describeArgument(model, secrets);
      if (secrets && actualSecrets && actualSecrets !== 'a list or tuple') atCall(secrets, 'appSecrets', { actual: actualSecrets }, app.call);
      for (const item of model.listItems(secrets) ?? []) {
        const actual = item.type === 'list_splat' ? null : describeArgument(model, item);
        if (actual && actual !== 'a `modal.Secret`') atCall(item, 'appSecretItem', { actual }, app.call);
      }
    }

    for (const registration of model.registrations) {
      const { args, call } = registration;
      if (!call) continue;
      const callee = call.field('function')!.text;
      if (registration.kind === 'function' && args.positional[0] && isImage(model, args.positional[0])) {
        report(args.positional[0], 'registrationImageByPosition', { registration: callee });
      }
      if (registration.kind === 'local_entrypoint') {
        const actual = describeArgument(model, args.keywords.get('name'));
        if (actual && !['a string', '`None`'].includes(actual)) report(args.keywords.get('name')!, 'entrypointName', { registration: callee, actual });
        continue;
      }
      if (registration.kind !== 'function' && registration.kind !== 'cls') continue;
      const image = args.keywords.get('image');
      const actualImage = describeArgument(model, image);
      if (image && actualImage && !['a `modal.Image`', '`None`'].includes(actualImage)) report(image, 'registrationImage', { actual: actualImage });
      const retries = args.keywords.get('retries');
      const actualRetries = describeArgument(model, retries);
      // `bool` is an `int` to `isinstance`; an unresolved number may still be an int.
      if (retries && actualRetries && !['a number', '`True` / `False`', '`None`'].includes(actualRetries)) report(retries, 'retries', { actual: actualRetries });
    }

    for (const node of model.nodesOfType('call')) {
      if (model.qualifiedName(node.field('function')) !== 'modal.Secret.from_dict') continue;
      const args = callArguments(node);
      const mapping = args.keywords.get('env_dict') ?? args.positional[0];
      if (!mapping || args.hasSplat) continue;
      const actual = describeArgument(model, mapping);
      if (actual && actual !== 'a dict') {
        atCall(mapping, 'secretDict', { actual }, node);
        continue;
      }
      const value = model.resolve(mapping);
      if (value.kind !== 'dict') continue;
      for (const entry of value.entries) {
        // A `None` value is dropped before the checks (secret.py:299).
        if (entry.value.kind === 'none') continue;
        const key = describeArgument(model, entry.keyNode);
        if (key && key !== 'a string') atCall(entry.keyNode, 'secretDictKey', { actual: key }, node);
        const item = describeArgument(model, entry.valueNode);
        if (item && !['a string', '`None`'].includes(item)) atCall(entry.valueNode, 'secretDictValue', { actual: item }, node);
      }
    }
  },
});
