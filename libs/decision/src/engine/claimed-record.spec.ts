import type { DecisionRecord } from '@offerstream/contracts';
import { claimedRecord, refusedRecord, REFUSAL_PENDING } from './claimed-record';

const record = (kind: DecisionRecord['kind'], reason: string): DecisionRecord => ({
  decisionId: '0b4c1f7e-9d2a-4c55-8a1e-3f6b2d9e7c10',
  trigger: { kind: 'offer_request', id: 'offer_request:e-1' },
  userId: 'u-1',
  channel: 'site',
  campaignId: 'spring',
  kind,
  reason,
  action: 'none',
  probability: 1,
  policyAction: 'pct10',
  policyProbability: 0.8,
  candidates: [],
  reasonCodes: ['trigger:offer_request'],
  modelVersions: { profit: 'prior' },
  decidedAt: '2026-12-02T23:00:00.000Z',
});

describe('the decision record a redelivered trigger publishes', () => {
  it('is the stored holdout record as it was when the first delivery decided a holdout', () => {
    const stored = record('holdout', 'holdout');
    expect(claimedRecord('holdout', false, stored)).toBe(stored);
  });

  it('is the stored no-offer record as it was when the policy chose no offer', () => {
    const stored = record('no_offer', 'policy_chose_no_offer');
    expect(claimedRecord('none', false, stored)).toBe(stored);
  });

  it.each(['cap', 'cooldown', 'budget_spend_exhausted', 'budget_paused', 'claim_interrupted'])(
    'is the stored refusal with the reason %s the once-marker holds when a guardrail refused the offer',
    (reason) => {
      const stored = record('no_offer', REFUSAL_PENDING);
      expect(claimedRecord(reason, false, stored)).toEqual({ ...stored, reason });
    },
  );

  it('equals the record the first delivery built for the same refusal, field order included', () => {
    const stored = record('no_offer', REFUSAL_PENDING);
    expect(JSON.stringify(refusedRecord(stored, 'cap'))).toBe(JSON.stringify(record('no_offer', 'cap')));
  });

  it('is nothing when the first delivery made an offer: its record travels with the offer through the outbox', () => {
    expect(claimedRecord('5f0c6a0e-1d2b-4c3d-8e9f-0a1b2c3d4e5f', true, record('no_offer', REFUSAL_PENDING))).toBe(
      undefined,
    );
  });

  it('is nothing when no record was stored: Kafka already has it, or the claim predates stored records', () => {
    expect(claimedRecord('holdout', false, undefined)).toBe(undefined);
    expect(claimedRecord('cap', false, undefined)).toBe(undefined);
  });

  it('is nothing when the marker and the stored record disagree', () => {
    expect(claimedRecord('holdout', false, record('no_offer', REFUSAL_PENDING))).toBe(undefined);
    expect(claimedRecord('cap', false, record('holdout', 'holdout'))).toBe(undefined);
    expect(claimedRecord('cap', false, record('no_offer', 'policy_chose_no_offer'))).toBe(undefined);
    expect(claimedRecord('', false, record('holdout', 'holdout'))).toBe(undefined);
  });
});
