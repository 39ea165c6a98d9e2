import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import type { FeatureStoreReader, Neighbour } from '@offerstream/feature-store';
import type { UserPseudonyms } from '@offerstream/core';
import { Roles, USER_PSEUDONYMS } from '@offerstream/platform';
import { FEATURE_READER } from './stream-processor.tokens';

const ID = /^[^\s]{1,128}$/;

/** Read API for the other services: a user's profile and an item's neighbours. */
@Controller()
@Roles('reader')
export class FeaturesController {
  constructor(
    @Inject(FEATURE_READER) private readonly reader: FeatureStoreReader,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
  ) {}

  @Get('users/:id/profile')
  async profile(@Param('id') raw: string): Promise<Record<string, unknown>> {
    if (!ID.test(raw)) throw new BadRequestException('user id must be 1-128 characters without spaces');
    // Asked by the shop's id, stored under its pseudonym; the answer and any error name the pseudonym only.
    const id = this.pseudonyms.of(raw);
    const p = await this.reader.getUser(id);
    if (!p) throw new NotFoundException(`no profile for user ${id}`);
    return {
      ...p,
      vector: p.vector ? Array.from(p.vector) : null,
      purchased: [...p.purchased],
      seen: [...p.seen],
    };
  }

  @Get('items/:id/neighbours')
  async neighbours(
    @Param('id') id: string,
    @Query('k') kRaw?: string,
  ): Promise<{ itemId: string; neighbours: Neighbour[]; contentNeighbours: Neighbour[] }> {
    if (!ID.test(id)) throw new BadRequestException('item id must be 1-128 characters without spaces');
    const k = kRaw === undefined ? 10 : Number(kRaw);
    if (!Number.isInteger(k) || k < 1 || k > 500) throw new BadRequestException('k must be an integer from 1 to 500');
    const items = await this.reader.getItems([id]);
    const item = items.get(id);
    if (!item) throw new NotFoundException(`unknown item ${id}`);
    return {
      itemId: id,
      neighbours: item.neighbours.slice(0, k),
      contentNeighbours: item.contentNeighbours.slice(0, k),
    };
  }
}
