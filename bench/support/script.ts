import { pathToFileURL } from 'node:url';

/**
 * Runs `main` when this module is the script node was started with (`node --import tsx bench/x.ts`),
 * not when bench/run.ts imports it; exits 0 when it finishes, 1 with the error printed when it fails.
 */
export function runWhenScript(moduleUrl: string, main: () => Promise<unknown>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
