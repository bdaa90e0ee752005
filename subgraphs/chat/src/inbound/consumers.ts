// What chat consumes, and why (it never reads another service's tables):
// - product.created / product.status_changed: who sells a listing and whether a conversation
//   about it may still start (hidden and sold listings may not);
// - user.status_changed: a BANNED or SUSPENDED member cannot send;
// - monitor.action_taken: RESTRICT_ACCOUNT stops a member from sending until CLEAR;
// - report.identifiers_confirmed: accounts and phones in accepted fraud reports (hashed), which
//   screening masks in messages (KNOWN_FRAUD_IDENTIFIER).
// Copies are written in the consumer's transaction, together with the processed-event record.
import type { AfterCommitHooks, EventHandlers } from '@anshim/platform';
import type { CopyRepository } from '../copies/copy-repository.ts';
import type { KnownFraudRepository } from '../copies/known-fraud-repository.ts';
import type { Tx } from '../database.ts';

export function chatHandlers(deps: { copies: CopyRepository; knownFraud: KnownFraudRepository }, _hooks: AfterCommitHooks<Tx>): EventHandlers<'chat', Tx> {
  const { copies, knownFraud } = deps;
  return {
    'product.created': async (event, tx) => {
      const { productId, sellerId, createdAt } = event.data;
      await copies.productCreated(tx, { productId, sellerId, at: new Date(createdAt) });
    },
    'product.status_changed': async (event, tx) => {
      const { productId, sellerId, status, at } = event.data;
      await copies.productStatusChanged(tx, { productId, sellerId, status, at: new Date(at) });
    },
    'user.status_changed': async (event, tx) => {
      const { userId, status, until } = event.data;
      await copies.statusChanged(tx, { userId, status, until: until ? new Date(until) : null, at: new Date(event.occurredAt) });
    },
    'monitor.action_taken': async (event, tx) => {
      const { userId, action, takenAt } = event.data;
      if (action !== 'RESTRICT_ACCOUNT' && action !== 'CLEAR') return;
      await copies.restrictionChanged(tx, { userId, restricted: action === 'RESTRICT_ACCOUNT', at: new Date(takenAt) });
    },
    'report.identifiers_confirmed': async (event, tx) => {
      await knownFraud.confirmed(tx, event.data.identifiers, new Date(event.data.confirmedAt));
    },
  };
}
