/**
 * `npm run bench:speed`: runs the speed benchmarks one after another (each in its own process so
 * one's memory and JIT state do not colour the next) and collects their JSON into
 * bench/out/speed.json. `-- --big` adds the 32M-rating load (writes an 830 MB file to the temp dir).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const big = process.argv.includes('--big');
const steps: { script: string; args: string[]; out: string }[] = [
  { script: 'bench/data-load.ts', args: big ? ['--big'] : [], out: 'bench/out/data-load.json' },
  { script: 'bench/recommend-speed.ts', args: [], out: 'bench/out/recommend-speed.json' },
  { script: 'bench/als-speed.ts', args: ['--iterations', '3'], out: 'bench/out/als-speed.json' },
];

const collected: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
for (const step of steps) {
  console.log(`\n== ${step.script} ${step.args.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', step.script, ...step.args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`bench:speed: ${step.script} failed (exit ${result.status})`);
    process.exit(1);
  }
  collected[step.script] = JSON.parse(readFileSync(step.out, 'utf8'));
}
writeFileSync('bench/out/speed.json', `${JSON.stringify(collected, null, 2)}\n`);
