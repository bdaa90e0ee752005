import type { Logger } from './logger.ts';

/**
 * The process owns shutdown: on SIGTERM or SIGINT it drains once (`stop`) and exits 0, or 1 if
 * draining failed. Listeners stay registered (`on`, not `once`): a second signal must not kill
 * the process mid-drain, and signal-exit (used by dependencies) re-raises a signal nobody handles.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      stop()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}
