// The report service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, internalReadTimeoutSetting, ownerUrlSetting, subgraphEnvShape } from '@anshim/platform';
import { checkStorageEnv, publicUrlSetting, storageEnvShape } from '@anshim/platform/storage';


export const reportEnvSchema = z
  .object({
    ...subgraphEnvShape('report', { port: 4004, opsPort: 9104 }),
    ...storageEnvShape,
    REPORT_PUBLIC_URL: publicUrlSetting('how browsers reach this service\'s evidence files THROUGH THE GATEWAY: `<gateway origin>/report` (the gateway passes /report/files/* on, signed); `npm start` and the e2e stack set it; default http://localhost:<port> (tests that call the subgraph directly); required in production with STORAGE_DRIVER=local'),
    REPORT_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10)
      .describe('reports one person may file per REPORT_RATE_WINDOW_SECONDS'),
    REPORT_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600).describe('window of REPORT_RATE_LIMIT'),
    REPORT_CHECK_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20)
      .describe('checkPaymentIdentifier lookups one person may make per REPORT_CHECK_RATE_WINDOW_SECONDS'),
    REPORT_CHECK_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600)
      .describe('window of REPORT_CHECK_RATE_LIMIT'),
    EVIDENCE_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300)
      .describe('how long an evidence URL works for the reporter or an admin'),
    REPORT_USER_SUBGRAPH_URL: ownerUrlSetting('user', 'the user service, asked (signed /internal/user-facts) about a report\'s target or reporter whose user.registered event has not arrived yet'),
    REPORT_TRANSACTION_SUBGRAPH_URL: ownerUrlSetting('transaction', 'the transaction service, asked (signed /internal/trade-facts) about a product or trade a report names whose event has not arrived yet'),
    REPORT_INTERNAL_READ_TIMEOUT_MS: internalReadTimeoutSetting('timeout of one such read (one retry; a circuit breaker fails fast while the owner is down)'),
    REPORT_CONSUME_EVENTS: booleanFlag(true)
      .describe('consume user/transaction events (the copies that check a report\'s target) and run the sanction-end worker'),
  })
  .superRefine((env, ctx) => {
    checkStorageEnv(env, ctx, 'REPORT_PUBLIC_URL');
  });

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadReportEnv = envLoader(reportEnvSchema, 'report');
export type ReportEnv = ReturnType<typeof loadReportEnv>;
