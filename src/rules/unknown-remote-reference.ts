import path from 'node:path';
import { callArguments } from '../model/model.js';
import { closestNames } from '../model/project-facts.js';
import { defineRule } from './types.js';

/** Remote references, all `(app_name, name)`; the removed `.lookup` forms also took the name as `tag=`. */
const REFERENCES = new Set(['modal.Function.from_name', 'modal.Cls.from_name', 'modal.Function.lookup', 'modal.Cls.lookup']);

export default defineRule({
  id: 'unknown-remote-reference',
  category: 'correctness',
  defaultSeverity: 'error',
  precision: 'high',
  tags: ['lookup', 'cross-file', 'correctness'],
  summary: '`Function.from_name` / `Cls.from_name` names an App of this project that registers nothing by that name.',
  docs: {
    what: 'Checks `modal.Function.from_name(app_name, name)` and `modal.Cls.from_name(app_name, name)` (and the removed `Function.lookup` / `Cls.lookup`) when both names resolve to strings and `app_name` is the name of an App defined in a file of the run (`modal.App("...")`, through constants and f-strings). The App\'s deployed names are the `name=` of each `@app.function`, `@app.cls` and `@app.server`, else the Python name of the function or class, gathered from the defining file and from every file of the run (and every file beside the defining one) that imports the App. When none equals `name`, the reference is reported with the closest registered names. Silent when some registration cannot be read (a computed `name=`, a `**` splat, a registration inside a loop or a function, `app.include(...)`, the App passed to other code or imported in a way the linter does not follow), when the App name is not defined in the run (it may be deployed from another repository), and for names containing a period (a separate error in current Modal).',
    why: 'Both lookups are lazy: the name is sent to Modal only when the object is first used (`FunctionGet` / `ClassGet` with `app_name` and `object_tag`, modal-client `py/modal/_functions.py:1293-1321`, `py/modal/cls.py:685-700`), which then fails with NotFoundError "Lookup failed for Function \'...\' from the \'...\' app", in production, far from the typo. The tag Modal registers is `name=` or the function\'s `__qualname__` (`py/modal/app.py:771`), the class\'s `__name__` for `@app.cls` (`py/modal/app.py:1274`), and `name=` or the class name for `@app.server` (`py/modal/app.py:1433`).',
    example: '# service.py\napp = modal.App("billing-service")\n\n@app.function()\ndef charge_customer(customer_id: str): ...\n\n# client.py\ncharge = modal.Function.from_name("billing-service", "charge_customers")',
    useInstead: '# client.py\ncharge = modal.Function.from_name("billing-service", "charge_customer")',
    link: 'https://modal.com/docs/guide/trigger-deployed-functions',
  },
  messages: {
    unknownName: '`{reference}` names "{name}", but the App "{app}" defined in {file} registers no function or class by that name, so the lookup fails with NotFoundError when first used. Registered names closest to it: {closest}.',
  },
  check({ model, report }) {
    const queries = model.projectQueries;
    if (!queries) return;
    for (const call of model.nodesOfType('call')) {
      const reference = model.qualifiedName(call.field('function')) ?? '';
      if (!REFERENCES.has(reference)) continue;
      const args = callArguments(call);
      const appNode = args.keywords.get('app_name') ?? args.positional[0];
      const nameNode = args.keywords.get('name') ?? args.keywords.get('tag') ?? args.positional[1];
      const appName = model.resolve(appNode);
      const name = model.resolve(nameNode);
      if (appName.kind !== 'str' || name.kind !== 'str' || name.value.includes('.') || !nameNode) continue;
      const registered = queries.registrationsOfApp(model.path, appName.value);
      if (!registered || !registered.complete || registered.names.size === 0 || registered.names.has(name.value)) continue;
      const file = registered.files.map((filePath) => `\`${path.basename(filePath)}\``).join(', ');
      const closest = closestNames(name.value, registered.names).map((candidate) => `"${candidate}"`).join(', ');
      report(nameNode, 'unknownName', { reference: reference.slice('modal.'.length), name: name.value, app: appName.value, file, closest });
    }
  },
});
