/**
 * `npx tsx bench/sections.ts`: GET /recommendations/{userId}/sections through the engine (no HTTP)
 * for every ml-latest-small user, with the service's default models (trained at first start into
 * `$CINEREC_HOME`, default a temporary directory; pass `--home DIR` to keep and reuse them).
 * Prints milliseconds per answer, how full each row is, the hidden-gems popularity cut, and one
 * user's answer. Writes nothing else.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../src/models/index.js';
import { serviceSettings } from '../src/service/settings.js';
import { startService } from '../src/service/startup.js';

const at = process.argv.indexOf('--home');
const home = at > 0 ? process.argv[at + 1] : mkdtempSync(join(tmpdir(), 'cinerec-sections-'));
const settings = serviceSettings({ home, databaseUrl: `sqlite://${join(home, 'cinerec.db')}` });
const service = await startService(settings, { skipMetrics: true });
const { engine } = service;
const users = (await service.store.counts()).users;
const times: number[] = [];
const fill = new Map<string, number[]>();
let twice = 0;
for (let userId = 1; userId <= users; userId++) {
  const started = performance.now();
  const answer = await engine.sections(userId, { n: 10 });
  times.push(performance.now() - started);
  const seen = new Set<number>();
  for (const section of answer.sections) {
    fill.set(section.id, [...(fill.get(section.id) ?? []), section.items.length]);
    for (const item of section.items) {
      if (seen.has(item.movieId)) twice++;
      seen.add(item.movieId);
    }
  }
}
times.sort((a, b) => a - b);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`users ${users}, n = 10 per row; movies shown twice: ${twice}`);
console.log(
  `ms per answer: mean ${mean(times).toFixed(1)}, median ${times[times.length >> 1].toFixed(1)}, p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)}`,
);
console.log('| row | mean items | users with a full row | users with an empty row |');
console.log('|---|---|---|---|');
for (const [id, counts] of fill) {
  const full = counts.filter((c) => c === 10).length;
  const empty = counts.filter((c) => c === 0).length;
  console.log(`| ${id} | ${mean(counts).toFixed(2)} | ${full} | ${empty} |`);
}
const sample = await engine.sections(1, { n: 3 });
for (const section of sample.sections) {
  console.log(`\n${section.title} — ${section.reason}${section.note ? ` (${section.note})` : ''}`);
  for (const item of section.items) console.log(`  ${item.title} (${item.year}): ${item.reason}`);
}
await service.close();
