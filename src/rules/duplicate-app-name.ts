import path from 'node:path';
import { appDefinitionFacts } from '../model/project-facts.js';
import { defineRule } from './types.js';

export default defineRule({
  id: 'duplicate-app-name',
  category: 'correctness',
  defaultSeverity: 'warning',
  precision: 'high',
  tags: ['deploy', 'cross-file', 'naming'],
  summary: 'Two modules that are deployed on their own define an App by the same name.',
  docs: {
    what: 'Flags `modal.App("name")` at module level when another file of the run also defines an App by that name (resolved through constants and f-strings), both register something (`@app.function`, `@app.cls`, `@app.server`), and neither module imports the other, so each is deployed on its own. Each definition is reported, naming the other files. Silent for names computed at run time, for Apps that register nothing, when one module imports the other (one App imported and extended), and when either App takes part in `app.include(...)` or a module importing it combines Apps with `.include(...)`.',
    why: 'A deployed App is identified by its name. `modal deploy` publishes the App with exactly the Functions and classes of that run (`AppPublishRequest` carries the run\'s `function_ids` and `class_ids`, modal-client `py/modal/runner.py:285-305`), so deploying the second file replaces the first file\'s Functions, schedules and web endpoints with its own, and deploying the first one again takes them back. Both deploys succeed; whatever was deployed first stops running.',
    example: '# jobs/cleanup.py\napp = modal.App("nightly-jobs")\n\n@app.function(schedule=modal.Cron("0 3 * * *"))\ndef cleanup(): ...\n\n# jobs/report.py\napp = modal.App("nightly-jobs")\n\n@app.function(schedule=modal.Cron("0 6 * * *"))\ndef report(): ...',
    useInstead: '# jobs/common.py\napp = modal.App("nightly-jobs")\n\n# jobs/cleanup.py\nfrom .common import app\n\n@app.function(schedule=modal.Cron("0 3 * * *"))\ndef cleanup(): ...\n\n# or give each module an App of its own: modal.App("nightly-report")',
    link: 'https://modal.com/docs/guide/apps',
  },
  messages: {
    duplicateName: 'App name "{name}" is also defined in {files}, and neither module imports the other: `modal deploy` publishes "{name}" with only the Functions of that run, so deploying one of these files removes the Functions, schedules and endpoints the other deployed. Give each App its own name, or define it once and import it.',
  },
  check({ model, report }) {
    const queries = model.projectQueries;
    if (!queries) return;
    for (const fact of appDefinitionFacts(model)) {
      if (!fact.registers || fact.includes) continue;
      const sites = queries.appDefinitionsNamed(model.path, fact.name);
      const own = sites.find((site) => site.file === model.path);
      // `.include(...)` around either App combines them on purpose.
      if (!own || own.includedByImporter || sites.some((site) => site.includes)) continue;
      const others = sites.filter((site) => site.file !== model.path && site.registers && !site.includedByImporter
        && !site.importedFiles.includes(model.path) && !own.importedFiles.includes(site.file)
        && !site.importers.includes(model.path) && !own.importers.includes(site.file));
      if (others.length === 0) continue;
      const app = model.apps.find((candidate) => candidate.variable === fact.variable && candidate.constructor !== 'lookup');
      if (!app?.nameNode) continue;
      const files = [...new Set(others.map((site) => path.relative(path.dirname(model.path), site.file)))].map((file) => `\`${file}\``).join(', ');
      report(app.nameNode, 'duplicateName', { name: fact.name, files });
    }
  },
});
