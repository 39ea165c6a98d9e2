import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ValidationError, type UserPseudonyms } from '@offerstream/core';
import {
  CandidateGenerator,
  UserDecisionsReader,
  type Candidate,
  type FeatureSource,
  type UserDecisions,
  type UserFeatures,
} from '@offerstream/decision';
import { Roles, USER_PSEUDONYMS } from '@offerstream/platform';
import { FEATURE_SOURCE } from '../decision-service.tokens';

export interface UserLookup extends UserDecisions {
  readonly userId: string;
  /** The features the policy decides with (profile, segment, RFM, intent), or null for an unknown user. */
  readonly features: UserFeatures | null;
  /** What the candidate generator would rank for the user now, with the sources that supplied each item. */
  readonly candidates: readonly Candidate[];
}

const USER_ID = /^.{1,128}$/s;

/** One user as the decision service sees them: features, candidates now, offers made and the latest decision. */
@Controller('users')
@Roles('reader')
export class UserLookupController {
  constructor(
    @Inject(FEATURE_SOURCE) private readonly features: FeatureSource,
    @Inject(CandidateGenerator) private readonly candidates: CandidateGenerator,
    @Inject(UserDecisionsReader) private readonly decisions: UserDecisionsReader,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
  ) {}

  @Get(':id/lookup')
  async lookup(@Param('id') raw: string): Promise<UserLookup> {
    if (!USER_ID.test(raw)) throw new ValidationError('user id: 1-128 characters');
    // An operator types the shop's id; everything stored is under its pseudonym, which the answer shows.
    const userId = this.pseudonyms.of(raw);
    const [features, decisions] = await Promise.all([this.features.user(userId), this.decisions.read(userId)]);
    const set = await this.candidates.generate({
      userId,
      seeds: features?.recentItems ?? [],
      exclude: new Set(features?.purchasedItems ?? []),
      k: 10,
    });
    return { userId, features: features ?? null, candidates: set.candidates, ...decisions };
  }
}
