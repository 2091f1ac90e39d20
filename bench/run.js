// Runs every bench/*.bench.js and writes bench/results.md and bench/results.json. Each benchmark reports figures,
// most of them as a ratio against a baseline measured in the same run, and bounds its own time by `budgetMs`.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib.js';

const only = process.argv.slice(2);
const benchDir = join(repoRoot, 'bench');
const files = (await readdir(benchDir))
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const machine = {
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
};
const results = [];
let failed = false;

for (const file of files) {
  const module = await import(pathToFileURL(join(benchDir, file)).href);
  const started = Date.now();
  process.stderr.write(`bench: ${module.title ?? file} ...\n`);
  try {
    const figures = await module.default({ budgetMs: module.budgetMs ?? 25_000 });
    results.push({ file, title: module.title ?? file, seconds: (Date.now() - started) / 1000, figures });
  } catch (error) {
    failed = true;
    results.push({
      file,
      title: module.title ?? file,
      seconds: (Date.now() - started) / 1000,
      error: String(error?.message ?? error),
    });
  }
}

// Running only some benches keeps the others' last results in the report.
if (only.length) {
  const previous = await readFile(join(benchDir, 'results.json'), 'utf8').then(JSON.parse, () => ({ results: [] }));
  const fresh = new Set(results.map((r) => r.file));
  results.push(...previous.results.filter((r) => !fresh.has(r.file)));
  results.sort((a, b) => a.file.localeCompare(b.file));
}
const report = { date: new Date().toISOString(), machine, results };
await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(benchDir, 'results.md'), markdown(report));
process.stdout.write(markdown(report));
process.exitCode = failed ? 1 : 0;

function markdown({ date, machine, results }) {
  const lines = [
    '# okta-m2m benchmarks',
    '',
    `Date: ${date}  `,
    `Machine: ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}`,
    '',
    'Ratios are against a baseline measured in the same run; "goal" is the ratio (or, for memory, the amount) we aim',
    'to stay under.',
    '',
  ];
  for (const result of results) {
    lines.push(`## ${result.title}`, '', `(${result.seconds.toFixed(1)} s)`, '');
    if (result.error) {
      lines.push(`FAILED: ${result.error}`, '');
      continue;
    }
    lines.push('| figure | value | ratio | goal | met? |', '| --- | ---: | ---: | ---: | :---: |');
    for (const f of result.figures) {
      const ratio = f.ratio === undefined ? '' : `${f.ratio}x`;
      let goal = '';
      let met = '';
      if (f.goal !== undefined) {
        goal = `<= ${f.goal}x`;
        met = f.ratio !== undefined && f.ratio <= f.goal ? 'yes' : '**no**';
      } else if (f.atLeast !== undefined) {
        goal = `>= ${f.atLeast}x`;
        met = f.ratio !== undefined && f.ratio >= f.atLeast ? 'yes' : '**no**';
      } else if (f.limit !== undefined) {
        goal = `<= ${f.limit} ${f.unit ?? ''}`.trim();
        met = f.value <= f.limit ? 'yes' : '**no**';
      }
      lines.push(`| ${f.name} | ${f.value} ${f.unit ?? ''} | ${ratio} | ${goal} | ${met} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
