import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type NlpSignalEvent } from '@offerstream/contracts';
import { erasedUsers, serviceRecoveryFromSignal, type DecisionRequest } from '@offerstream/decision';
import type { BatchPatternExtras, ConsumedEvent } from '@offerstream/kafka';
import { REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { DecisionService } from './decision.service';

/**
 * The NLP worker's signals, in their own group: a review the sentiment model judged negative triggers service
 * recovery even when its rating did not (the rating path keys the same trigger, so a review caught by both is decided
 * once). Signals of an erased user are dropped, as their clickstream is.
 */
@Controller()
export class NlpSignalConsumer {
  constructor(
    @Inject(DecisionService) private readonly decisions: DecisionService,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @EventPattern(TOPICS.nlpSignals.name, { group: 'nlp-signals' } satisfies BatchPatternExtras)
  async nlpSignals(@Payload() events: ConsumedEvent<NlpSignalEvent>[]): Promise<void> {
    const now = new Date();
    const erased = await erasedUsers(
      this.redis,
      events.map(({ event }) => event.userId ?? event.anonymousId ?? ''),
    );
    const requests: DecisionRequest[] = [];
    for (const { event } of events) {
      if (erased.has(event.userId ?? event.anonymousId ?? '')) continue;
      const r = serviceRecoveryFromSignal(event, now);
      if (r) requests.push(r);
    }
    await this.decisions.decideAndPublish(requests);
  }
}
