import { z } from 'zod';

/** Major version of the event contracts; it is part of every topic name, so a breaking change is a new topic. */
export const CONTRACT_MAJOR = 1;
/** Minor versions only add optional fields or new event types (see docs/contracts.md). */
export const CONTRACT_VERSION = '1.3';

const id = z.string().min(1).max(128);

/**
 * Fields every event carries. Either a user id or an anonymous id is required: the user key decides the
 * partition, so all of one user's events are ordered.
 */
export const envelopeShape = {
  eventId: id.describe('Unique id of this event; consumers deduplicate on it'),
  schemaVersion: z
    .string()
    .regex(/^1\.\d+$/, 'schemaVersion must be 1.<minor> on the v1 topics')
    .describe('Contract version the producer wrote, major.minor'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened at the source, ISO-8601'),
  producer: z.string().min(1).max(128).describe('Name of the producing system'),
  userId: id.optional().describe('Known customer id'),
  anonymousId: id.optional().describe('Device or cookie id before login'),
  sessionId: id.optional(),
  correlationId: id.optional(),
} as const;

export const hasUserKey = (e: { userId?: string | undefined; anonymousId?: string | undefined }): boolean =>
  e.userId !== undefined || e.anonymousId !== undefined;

export const USER_KEY_REQUIRED = 'userId or anonymousId is required';

export const money = z.number().finite().min(0).max(1e9);
export const itemId = id;
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO-4217 currency code')
  .default('EUR');
