import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type UserErasureEvent } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import { UserErasure } from '@offerstream/decision';
import type { BatchPatternExtras, ConsumedEvent } from '@offerstream/kafka';
import { SERVICE_LOGGER } from '@offerstream/platform';

/**
 * Applies every erasure request on the user-erasures topic (from DELETE /users/:id on any instance, or from privacy
 * tooling that writes to the topic directly). Erasure is idempotent, so a request already applied over HTTP, or a
 * redelivered one, costs a few reads and removes nothing more. Committed only after the erasure is done.
 */
@Controller()
export class UserErasureConsumer {
  constructor(
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(UserErasure) private readonly erasure: UserErasure,
  ) {}

  @EventPattern(TOPICS.userErasures.name, { group: 'user-erasures' } satisfies BatchPatternExtras)
  async userErasures(@Payload() events: ConsumedEvent<UserErasureEvent>[]): Promise<void> {
    for (const { event } of events) {
      const r = await this.erasure.erase(event.userId, event.payload.anonymousIds ?? []);
      // The request id, not the user id: logs must not carry the id of a user who asked to be forgotten.
      this.logger.info('user erased', { requestId: event.payload.requestId, removed: r.removed });
    }
  }
}
