// `npm run bench [name…]`: runs the named benchmarks (bench/<name>.ts), or every one, one after
// the other (they share 2 cores: never in parallel). Each benchmark module exports `run()`,
// starts what it measures as real processes, prints its own side-by-side figures and cleans up.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const dir = new URL('./', import.meta.url);
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -3))
  .sort();

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}

let failed = 0;
for (const name of requested.length ? requested : available) {
  console.log(`\n▶ bench ${name}`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(new URL(`${name}.ts`, dir).pathname).href)) as { run?: () => Promise<unknown> };
    if (typeof module.run !== 'function') throw new Error(`bench/${name}.ts does not export run()`);
    await module.run();
    console.log(`✔ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.error(`✖ ${name}: ${(error as Error).stack ?? error}`);
  }
}
process.exit(failed ? 1 : 0);
