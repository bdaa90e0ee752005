// The expiry of risk actions as a BullMQ job scheduler (one repeatable job, however many replicas
// run): every MONITOR_ACTION_SWEEP_SECONDS, actions whose expiresAt passed are ended or renewed
// (actions/risk-actions.ts says which, and what consumers are told).
import { JOB_CATALOGUE } from '@anshim/contracts';
import { defineJob, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import type { RiskActions, SweepResult } from '../actions/risk-actions.ts';

export const ACTION_EXPIRY_SCHEDULER = 'monitor-action-expiry';

export function actionExpirySweep(deps: { actions: RiskActions; intervalSeconds: number; redis: RedisSettings; logger: Logger }): DefinedJob<(typeof JOB_CATALOGUE)['monitor.action-expiry']['schema'], SweepResult> {
  return defineJob({
    ...JOB_CATALOGUE['monitor.action-expiry'],
    handler: () => deps.actions.sweep(new Date()),
    redis: deps.redis,
    logger: deps.logger,
    schedule: {
      id: ACTION_EXPIRY_SCHEDULER,
      repeat: { every: deps.intervalSeconds * 1_000 },
      options: { removeOnComplete: 50, removeOnFail: 100, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } },
    },
  });
}
