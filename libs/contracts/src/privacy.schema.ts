import { z } from 'zod';
import { envelopeShape } from './envelope.schema';

/**
 * What a user may agree to, per channel: marketing by e-mail, push and SMS, and personalization of what the shop
 * shows on site and in the app (on-site offers and any use of the profile need it).
 */
export const CONSENT_PURPOSES = ['marketing_email', 'marketing_push', 'marketing_sms', 'personalization'] as const;
export const consentPurpose = z.enum(CONSENT_PURPOSES);
export type ConsentPurpose = z.infer<typeof consentPurpose>;

/** One consent change: the purposes the user granted or withdrew, when (occurredAt) and where it was recorded. */
export const consentPayload = z.object({
  choices: z
    .array(z.object({ purpose: consentPurpose, status: z.enum(['granted', 'withdrawn']) }))
    .min(1)
    .max(CONSENT_PURPOSES.length),
  source: z
    .string()
    .min(1)
    .max(64)
    .describe('Where the choice was made: cookie_banner, account_settings, unsubscribe_link, support, ...'),
  policyVersion: z.string().max(32).optional().describe('Version of the consent text the user saw'),
});
export type ConsentPayload = z.infer<typeof consentPayload>;

/**
 * A request to forget a user (GDPR Art. 17, PIPL Art. 47): every per-user key is removed and a tombstone keeps
 * late events of that user out. Idempotent: the same request applied twice leaves the same state.
 */
export const userErasureEvent = z.object({
  ...envelopeShape,
  userId: z.string().min(1).max(128).describe('The user to forget'),
  type: z.literal('user_erasure'),
  payload: z.object({
    requestId: z.string().min(1).max(128).describe('Id of the erasure request (the data subject request ticket)'),
    requestedBy: z.string().min(1).max(128).describe('Who asked: the API key name or the system'),
    anonymousIds: z
      .array(z.string().min(1).max(128))
      .max(100)
      .optional()
      .describe('Device or cookie ids known to belong to the user, erased with it'),
  }),
});
export type UserErasureEvent = z.infer<typeof userErasureEvent>;
