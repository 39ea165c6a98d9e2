import { createHash, randomUUID } from 'node:crypto';
import { Body, Controller, Delete, HttpCode, Inject, Param } from '@nestjs/common';
import { CONTRACT_VERSION, TOPICS } from '@offerstream/contracts';
import { ValidationError, type UserPseudonyms } from '@offerstream/core';
import { UserErasure, type ErasureReport } from '@offerstream/decision';
import type { EventProducer } from '@offerstream/kafka';
import {
  AuditLog,
  CurrentCaller,
  EVENT_PRODUCER,
  REDIS,
  Roles,
  USER_PSEUDONYMS,
  type Caller,
} from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { z } from 'zod';

const id = z.string().min(1).max(128);
/** Optional body of DELETE /users/:id. */
export const erasureRequest = z
  .object({
    requestId: id.optional().describe('Id of the data subject request (generated when absent)'),
    anonymousIds: z.array(id).max(100).optional().describe('Device or cookie ids of the user, erased with it'),
  })
  .strict();
const erasureBody = erasureRequest.optional();

/** The audit log proves an erasure was done without keeping the id it erased: a hash of it is enough to answer. */
export const auditTargetOf = (userId: string): string =>
  `user:sha256:${createHash('sha256').update(userId).digest('hex').slice(0, 32)}`;

/**
 * Erasure of a user (GDPR Art. 17, PIPL Art. 47), role `admin`. The request is first written to the user-erasures
 * topic (so every consumer of it, and a replay after a failure here, applies it too), then applied at once to every
 * store but the GNN interaction log, which the topic's consumer erases; the answer says what was removed.
 * Idempotent: erasing twice answers 200 both times and removes nothing more.
 */
@Controller('users')
export class UsersController {
  private readonly audit: AuditLog;

  constructor(
    @Inject(UserErasure) private readonly erasure: UserErasure,
    @Inject(EVENT_PRODUCER) private readonly producer: EventProducer,
    @Inject(REDIS) redis: RedisClient,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
  ) {
    this.audit = new AuditLog(redis);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(200)
  async erase(
    @Param('id') userId: string,
    @Body() body: unknown,
    @CurrentCaller() caller?: Caller,
  ): Promise<ErasureReport & { requestId: string }> {
    if (!id.safeParse(userId).success) throw new ValidationError('user id must be 1 to 128 characters');
    // An empty or absent body is a plain erasure of the id in the path.
    const empty = body === null || body === undefined || (typeof body === 'object' && Object.keys(body).length === 0);
    const parsed = erasureBody.safeParse(empty ? undefined : body);
    if (!parsed.success) throw new ValidationError(`bad erasure request: ${parsed.error.issues[0]?.message ?? ''}`);
    const requestId = parsed.data?.requestId ?? randomUUID();
    const anonymousIds = parsed.data?.anonymousIds ?? [];
    const requestedBy = caller?.name ?? 'in-process';
    await this.producer.send(TOPICS.userErasures, [
      {
        key: userId,
        event: {
          eventId: requestId,
          schemaVersion: CONTRACT_VERSION,
          occurredAt: new Date().toISOString(),
          producer: 'decision-service',
          userId,
          type: 'user_erasure',
          payload: { requestId, requestedBy, ...(anonymousIds.length > 0 ? { anonymousIds } : {}) },
        },
      },
    ]);
    // The request on the topic names the shop's ids, like every event the shop writes there; the state is under
    // pseudonyms, under both keys' while a key rotation completes. The GNN log scan is left to the erasure
    // consumer, which reads the request just written (seconds to a minute).
    const devices = anonymousIds.flatMap((a) => this.pseudonyms.all(a));
    const reports = [];
    for (const pseudonym of this.pseudonyms.all(userId)) {
      reports.push(await this.erasure.erase(pseudonym, devices, { withGnnLog: false }));
    }
    const removed = sumRemoved(reports.map((r) => r.removed));
    await this.audit.record({
      actor: requestedBy,
      action: 'user.erase',
      target: auditTargetOf(this.pseudonyms.of(userId)),
      before: null,
      after: { requestId, removed },
    });
    return { userId, erasedAt: reports[0]?.erasedAt ?? new Date().toISOString(), removed, requestId };
  }
}

function sumRemoved(all: readonly ErasureReport['removed'][]): ErasureReport['removed'] {
  const add = (k: 'featureStore' | 'nlp' | 'decision'): number => all.reduce((a, r) => a + r[k], 0);
  return { featureStore: add('featureStore'), nlp: add('nlp'), decision: add('decision'), gnn: null };
}
