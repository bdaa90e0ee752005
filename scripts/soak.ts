// `npm run soak [-- --minutes N]`: the whole system as real processes under a mixed load for N minutes
// (default 30) while a chaos loop kills processes, restarts Redis and PostgreSQL (private ones, never
// the machine's) and makes the SMS vendor fail; then the invariants (scripts/lib/soak/). Prints the
// report, writes it as JSON (test-artifacts/soak-report.json), exits 1 when an invariant fails, 2
// when the soak could not run. Not in CI (the fault suite runs a 3-minute version). Flags: --help.
import { runSoak } from './lib/soak/run.ts';
import { soakOptionsFromArgs, USAGE } from './lib/soak/options.ts';

let options;
try {
  options = soakOptionsFromArgs(process.argv.slice(2));
} catch (error) {
  console.error(`soak: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}
try {
  const result = await runSoak(options, (line) => console.log(`${new Date().toISOString()} ${line}`));
  console.log(`\n${result.text}\nJSON report: ${options.reportPath}`);
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  console.error(`soak: could not run: ${(error as Error).stack ?? error}`);
  process.exit(2);
}
