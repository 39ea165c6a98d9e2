import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DecisionRequest } from '../engine/decision.types';

const id = z.string().min(1).max(128);

/** Body of POST /decisions, validated before anything is decided. */
export const httpDecisionBody = z
  .object({
    userId: id,
    placement: z.string().min(1).max(128),
    /** Idempotency key: a retried request with the same id gets no second offer. Required but for internal keys. */
    requestId: id.optional(),
    channel: z.string().min(1).max(32).default('site'),
    /** Items the page is about (the product being viewed, the cart). */
    items: z
      .array(
        z.object({
          itemId: id,
          /** Checked, never used: the catalog prices every offer (a price the catalog lacks is refused). */
          price: z.number().min(0).max(1e9).optional(),
          categoryPath: z.array(z.string().max(128)).max(8).optional(),
        }),
      )
      .max(100)
      .default([]),
    /** Candidate items to choose among, e.g. the placement's product list. */
    candidates: z.array(id).max(500).default([]),
    exclude: z.array(id).max(500).default([]),
    maxItems: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type HttpDecisionBody = z.infer<typeof httpDecisionBody>;

/** The synchronous on-site trigger: one request, one decision. */
export function httpDecisionTrigger(body: HttpDecisionBody, now: Date): DecisionRequest {
  return {
    trigger: 'http_decision',
    triggerId: `http_decision:${body.userId}:${body.requestId ?? randomUUID()}`,
    userId: body.userId,
    channel: body.channel,
    placement: body.placement,
    // The caller's prices stay behind: an offer is costed on catalog prices only (see DecisionsController).
    seeds: body.items.map(({ itemId, categoryPath }) => ({ itemId, ...(categoryPath ? { categoryPath } : {}) })),
    requested: body.candidates,
    exclude: body.exclude,
    maxItems: body.maxItems,
    now,
  };
}
