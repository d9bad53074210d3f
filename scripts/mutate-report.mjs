// The mutation score per module from Stryker's JSON reports
// (reports/mutation/<group>.json, one per group of stryker.config.mjs, written
// by `npm run mutate`): killed,
// survived, no coverage, timeout, and the score Stryker uses
// ((killed + timeout) / (all valid mutants)). `--markdown` prints the table for
// docs/RELIABILITY.md; `--survivors` lists each surviving mutant.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../reports/mutation/', import.meta.url));
const reports = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
if (reports.length === 0) {
  console.error(`no report in ${dir}: run npm run mutate first`);
  process.exit(1);
}
const markdown = process.argv.includes('--markdown');
const survivors = process.argv.includes('--survivors');
const report = { files: {} };
for (const f of reports) Object.assign(report.files, JSON.parse(readFileSync(dir + f, 'utf8')).files);
const rows = [];
const total = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, errors: 0 };
const lost = [];
for (const [path, f] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const c = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, errors: 0 };
  for (const m of f.mutants) {
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Survived') c.survived++;
    else if (m.status === 'NoCoverage') c.noCoverage++;
    else if (m.status === 'Timeout') c.timeout++;
    else if (m.status === 'Ignored') c.ignored++;
    else c.errors++; // CompileError, RuntimeError: not counted in the score
    if (m.status === 'Survived' || m.status === 'NoCoverage') lost.push({ path, m });
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push([path, c]);
}
const score = (c) => {
  const valid = c.killed + c.survived + c.noCoverage + c.timeout;
  return valid === 0 ? 100 : ((c.killed + c.timeout) * 100) / valid;
};
const fmt = (n) => n.toFixed(1);
if (markdown) {
  console.log('| module | score | killed | survived | no coverage | timeout | ignored |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [p, c] of rows) console.log(`| \`${p}\` | ${fmt(score(c))}% | ${c.killed} | ${c.survived} | ${c.noCoverage} | ${c.timeout} | ${c.ignored} |`);
  console.log(`| **all** | **${fmt(score(total))}%** | ${total.killed} | ${total.survived} | ${total.noCoverage} | ${total.timeout} | ${total.ignored} |`);
} else {
  const w = Math.max(...rows.map(([p]) => p.length), 5);
  console.log(`\n${'module'.padEnd(w)}  score  killed survived nocov timeout ignored`);
  const line = (p, c) => `${p.padEnd(w)} ${fmt(score(c)).padStart(5)}% ${String(c.killed).padStart(7)} ${String(c.survived).padStart(8)} ${String(c.noCoverage).padStart(5)} ${String(c.timeout).padStart(7)} ${String(c.ignored).padStart(7)}`;
  for (const [p, c] of rows) console.log(line(p, c) + (score(c) < 85 ? '  < 85%' : ''));
  console.log(line('all', total));
}
// The target is per module (each listed module ≥ 85%), not only overall.
const overall = score(total);
if (overall < 85) {
  console.error(`overall mutation score ${fmt(overall)}% is under 85%`);
  process.exitCode = 1;
}
for (const [p, c] of rows) {
  if (score(c) >= 85) continue;
  console.error(`${p}: mutation score ${fmt(score(c))}% is under 85%`);
  process.exitCode = 1;
}
if (survivors) {
  for (const { path, m } of lost) {
    const at = `${path}:${m.location.start.line}:${m.location.start.column}`;
    console.log(`${m.status.padEnd(10)} ${at} ${m.mutatorName}${m.replacement !== undefined ? ` -> ${JSON.stringify(m.replacement).slice(0, 120)}` : ''}`);
  }
}
