import fg from 'fast-glob';
const stdlib='/root/.pyenv/versions/3.11.7/lib/python3.11';
const c = Number(process.argv[2]);
let t = performance.now();
const r = await fg(['**/*.py','**/*.pyi'], { cwd: stdlib, dot: true, onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, concurrency: c, ignore: ['**/site-packages/**','**/__pycache__/**','**/venv/**'] });
console.log((performance.now()-t).toFixed(1));
