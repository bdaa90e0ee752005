// What the safety service publishes (topic safety.events): safety.score_changed, written into the
// outbox in the same statement as the score (see ScoreRepository.write). The envelope is built and
// validated exactly as the platform's recordEvent does, but for many users at once, so a nightly
// batch page of thousands of users costs one round trip instead of thousands.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BULLMQ_PRIORITY, InvalidEventError, type EventEnvelope } from '@anshim/platform';
import { EVENT_CATALOGUE, topicOf, type EventData, type EventPriority } from '@anshim/contracts';

/** An outbox row as ScoreRepository.write inserts it, beside the score it announces. */
export interface OutboxRow {
  id: string;
  topic: string;
  type: string;
  payload: unknown;
  priority: number;
}

type ScoreChanged = EventData<'safety.score_changed'>;

export function scoreChangedRow(data: ScoreChanged, options: { priority?: EventPriority; occurredAt: Date }): OutboxRow {
  const definition = EVENT_CATALOGUE['safety.score_changed'];
  const parsed = definition.data.safeParse(data);
  if (!parsed.success) throw new InvalidEventError('safety.score_changed', z.prettifyError(parsed.error));
  const payload: EventEnvelope<'safety.score_changed'> = {
    id: randomUUID(),
    type: 'safety.score_changed',
    occurredAt: options.occurredAt.toISOString(),
    producer: 'safety',
    subjectUserId: data.userId,
    data: parsed.data,
    schemaVersion: definition.version,
  };
  return {
    id: payload.id,
    topic: topicOf('safety.score_changed'),
    type: payload.type,
    payload,
    priority: BULLMQ_PRIORITY[options.priority ?? definition.priority],
  };
}
