// The expiry of risk actions as a BullMQ job scheduler (one repeatable job, however many replicas
// run): every MONITOR_ACTION_SWEEP_SECONDS, actions whose expiresAt passed are ended or renewed
// (actions/risk-actions.ts says which, and what consumers are told).
import { JOB_CATALOGUE } from '@anshim/contracts';
import { defineSweep, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import type { RiskActions, SweepResult } from '../actions/risk-actions.ts';

export const ACTION_EXPIRY_SCHEDULER = 'monitor-action-expiry';

export function actionExpirySweep(deps: { actions: RiskActions; intervalSeconds: number; redis: RedisSettings; logger: Logger }): DefinedJob<(typeof JOB_CATALOGUE)['monitor.action-expiry']['schema'], SweepResult> {
  return defineSweep(JOB_CATALOGUE['monitor.action-expiry'], {
    id: ACTION_EXPIRY_SCHEDULER,
    everyMs: deps.intervalSeconds * 1_000,
    run: (now) => deps.actions.sweep(now),
    redis: deps.redis,
    logger: deps.logger,
    firstRetryMs: 1_000,
  });
}
