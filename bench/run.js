// Runs every bench/*.bench.js and writes bench/results.md and bench/results.json. Each benchmark reports figures,
// most of them as a ratio against a baseline measured in the same run, and bounds its own time by `budgetMs`.
import { readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib.js';

const only = process.argv.slice(2);
const benchDir = join(repoRoot, 'bench');
const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.js')).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const machine = { node: process.version, platform: `${platform()} ${release()}`, cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`, memoryGiB: Math.round(totalmem() / 2 ** 30) };
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
    results.push({ file, title: module.title ?? file, seconds: (Date.now() - started) / 1000, error: String(error?.message ?? error) });
  }
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
    'Ratios are against a baseline measured in the same run; "goal" is the ratio we aim to stay under.',
    '',
  ];
  for (const result of results) {
    lines.push(`## ${result.title}`, '', `(${result.seconds.toFixed(1)} s)`, '');
    if (result.error) {
      lines.push(`FAILED: ${result.error}`, '');
      continue;
    }
    lines.push('| figure | value | ratio | goal |', '| --- | ---: | ---: | ---: |');
    for (const f of result.figures) {
      const ratio = f.ratio === undefined ? '' : `${f.ratio}x`;
      const goal = f.goal === undefined ? '' : `${f.ratio !== undefined && f.ratio > f.goal ? '**over** ' : ''}${f.goal}x`;
      lines.push(`| ${f.name} | ${f.value} ${f.unit ?? ''} | ${ratio} | ${goal} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
