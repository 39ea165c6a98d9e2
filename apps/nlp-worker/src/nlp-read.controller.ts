import { BadRequestException, Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { itemId as itemIdSchema } from '@offerstream/contracts';
import type { ItemSentiment, NlpSignalReader, UserIntent } from '@offerstream/nlp';
import type { UserPseudonyms } from '@offerstream/core';
import { Roles, USER_PSEUDONYMS } from '@offerstream/platform';
import { NLP_READER } from './nlp-worker.tokens';

/** Read side for operators and the decision service's debugging: what the worker knows about an item / user. */
@Controller()
@Roles('reader')
export class NlpReadController {
  constructor(
    @Inject(NLP_READER) private readonly reader: NlpSignalReader,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
  ) {}

  @Get('items/:id/sentiment')
  async itemSentiment(@Param('id') id: string): Promise<ItemSentiment> {
    const found = await this.reader.itemSentiment(validId(id, 'item'));
    if (!found) throw new NotFoundException({ message: `no reviews scored for item ${id}` });
    return found;
  }

  @Get('users/:id/intent')
  async userIntent(@Param('id') raw: string): Promise<UserIntent> {
    // Asked by the shop's id, stored under its pseudonym; the answer and any error name the pseudonym only.
    const id = this.pseudonyms.of(validId(raw, 'user'));
    const found = await this.reader.userIntent(id);
    if (!found) throw new NotFoundException({ message: `no searches or reviews scored for user ${id}` });
    return found;
  }
}

function validId(id: string, what: string): string {
  // Same rule as the event contracts, so any id that can appear in an event can be looked up.
  if (!itemIdSchema.safeParse(id).success || id.trim() !== id) {
    throw new BadRequestException({ message: `${what} id must be 1-128 characters without surrounding spaces` });
  }
  return id;
}
