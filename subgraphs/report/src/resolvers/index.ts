import { DateTimeScalar, JSONScalar } from '@anshim/platform';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { checkPaymentIdentifier } from './check-payment-identifier.ts';
import { createEvidenceUpload } from './create-evidence-upload.ts';
import { fileReport } from './file-report.ts';
import { myReports } from './my-reports.ts';
import { processReport } from './process-report.ts';
import { report } from './report.ts';
import { Report, Sanction } from './report-type.ts';
import { reportCounts, reportOutcomes, reports } from './reports.ts';
import { startReview } from './start-review.ts';
import { User } from './user-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { report, reports, reportCounts, reportOutcomes, myReports, checkPaymentIdentifier },
  Mutation: { createEvidenceUpload, fileReport, startReview, processReport },
  Report,
  Sanction,
  User,
};
