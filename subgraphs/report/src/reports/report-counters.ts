// The report service's business counters (anshim_reports_total, anshim_fraud_stopped_total), in
// the process' registry: called after the transaction that filed or decided a report committed,
// so a rolled-back decision never shows on the dashboard. An accepted FRAUD report is fraud stopped.
import { businessCounter, type Metrics } from '@anshim/platform';
import { REPORT_TYPES, type ReportDecision, type ReportType } from '../model.ts';

export class ReportCounters {
  private readonly reports;
  private readonly fraudStopped;

  constructor(metrics: Metrics) {
    this.reports = businessCounter(metrics, 'reports', REPORT_TYPES.map((type) => ({ type, decision: 'filed' })));
    this.fraudStopped = businessCounter(metrics, 'fraudStopped', [{ kind: 'accepted_fraud_report' }]);
  }

  filed(type: ReportType): void {
    this.reports.inc({ type, decision: 'filed' });
  }

  decided(type: ReportType, decision: ReportDecision): void {
    this.reports.inc({ type, decision: decision === 'ACCEPT' ? 'accepted' : 'dismissed' });
    if (decision === 'ACCEPT' && type === 'FRAUD') this.fraudStopped.inc({ kind: 'accepted_fraud_report' });
  }
}
