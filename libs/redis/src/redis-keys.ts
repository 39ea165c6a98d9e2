/**
 * Every Redis key of the system is built here and nowhere else. Keys that must change together in one Lua
 * script share a hash tag (`{...}`), so the same code runs on Redis Cluster. The deployment-wide prefix is
 * added by the client (REDIS_KEY_PREFIX), not here.
 */
const tag = (s: string): string => `{${s.replace(/[{}]/g, '_')}}`;

export const RedisKeys = {
  /** Per-partition counters of the stream processor with their offset watermark in the same hash. */
  partitionCounters: (group: string, topic: string, partition: number) => `pc:${tag(`${group}|${topic}|${partition}`)}`,
  /**
   * The batch consumer's mark of a partition: last offset applied to the state and a fingerprint of that event,
   * written after each batch's state; reconciled with the log on assignment (libs/kafka PartitionReconciler).
   */
  consumerMark: (group: string, topic: string, partition: number) => `kc:${tag(`${group}|${topic}|${partition}`)}`,

  user: {
    /** The whole user state (interests, vector, session, cart, RFM, seen and bought, watermarks): one codec blob. */
    profile: (user: string) => `u:${tag(user)}:profile`,
    offers: (user: string) => `u:${tag(user)}:offers`,
    segment: (user: string) => `u:${tag(user)}:segment`,
    /** NLP worker: (topic:partition -> offset) watermarks of this user's keys, intent decay clock and half-life. */
    nlpWatermark: (user: string) => `u:${tag(user)}:nlpwm`,
    /** NLP worker: decayed search-intent scores per category (sorted set, bounded). */
    intent: (user: string) => `u:${tag(user)}:intent`,
    /** NLP worker: sentiment of the user's latest reviews, newest first (list, bounded). */
    reviewSentiment: (user: string) => `u:${tag(user)}:revsent`,
    /**
     * Erasure tombstone (erased-at ms, with a TTL): in the user's slot, so every per-user write script can refuse
     * late events of an erased user in the same atomic step.
     */
    erased: (user: string) => `u:${tag(user)}:erased`,
  },
  /**
   * Nearest-user index: one sorted set per (hyperplane layout, table, bucket) of user ids scored by the time they
   * were last placed there. Each bucket is its own slot (spread over a Cluster); a user moves between buckets of
   * different slots in separate single-key steps, and readers re-check every candidate against its stored vector.
   */
  userIndexBucket: (layout: string, table: number, bucket: number) => `ux:${tag(`${layout}|${table}|${bucket}`)}:users`,
  /** SCAN pattern over the state blobs of all users (the segment job samples users with it). */
  userProfilePattern: () => 'u:{*}:profile',
  /** anonymous id -> user id, once an event carried both. */
  alias: (anonymousId: string) => `alias:${tag(anonymousId)}`,

  item: {
    meta: (item: string) => `i:${tag(item)}:meta`,
    contentVector: (item: string) => `i:${tag(item)}:cvec`,
    neighbours: (item: string) => `i:${tag(item)}:nbr`,
    contentNeighbours: (item: string) => `i:${tag(item)}:cnbr`,
    cooc: (item: string) => `i:${tag(item)}:cooc`,
    watermark: (item: string) => `i:${tag(item)}:wm`,
    /** NLP worker: review counts, sum of positive probabilities and the prior they are smoothed with (hash). */
    sentiment: (item: string) => `i:${tag(item)}:sent`,
    /** NLP worker: terms of negative reviews by accumulated weight (sorted set, bounded). */
    negativeTerms: (item: string) => `i:${tag(item)}:negterms`,
    /** NLP worker: (topic:partition -> offset) watermarks of this item's key group. */
    nlpWatermark: (item: string) => `i:${tag(item)}:nlpwm`,
  },

  /** Global rankings live in one slot each; they are read whole. */
  popularity: () => 'g:{pop}:items',
  trending: () => 'g:{trend}:items',
  contentIndex: () => 'g:{content}:df',
  segments: () => 'g:{segments}:model',
  /** Per-partition offset watermarks of the global rankings, in the same slot as the ranking they guard. */
  popularityWatermarks: () => 'g:{pop}:wm',
  trendingWatermarks: () => 'g:{trend}:wm',
  /** Items whose co-occurrence changed since their neighbour list was last recomputed. */
  neighbourDirty: () => 'g:{nbrdirty}:items',
  /** Items with a content vector, and those whose content neighbours need recomputing. */
  contentItems: () => 'g:{content}:items',
  contentDirty: () => 'g:{content}:dirty',
  /**
   * The shop's categories as a nearest-centroid text classifier (hash: `ver`, `docs`, `cats` and one field per term
   * bucket), rebuilt from the catalog into a per-run key and renamed over the live one (same slot), so readers see
   * one build or the next, never a mix.
   */
  categoryIndex: () => 'g:{catindex}:terms',
  categoryIndexBuild: (run: string) => `g:{catindex}:build:${run}`,
  /** Held by the one instance that runs the periodic segmentation. */
  segmentLock: () => 'g:{segments}:lock',
  /** Rule segments a marketer defined (hash: id -> JSON definition). */
  segmentRules: () => 'g:{segments}:rules',
  /** Names marketers gave learned clusters (hash: stable cluster id -> JSON name and description). */
  segmentNames: () => 'g:{segments}:names',

  gnn: {
    activeVersion: () => 'gnn:{model}:active',
    meta: (version: string) => `gnn:{model}:${version}:meta`,
    userEmbedding: (version: string) => `gnn:{model}:${version}:users`,
    itemEmbedding: (version: string) => `gnn:{model}:${version}:items`,
    /** Item ids of a version, newline-separated, in embedding row order. */
    itemIds: (version: string) => `gnn:{model}:${version}:itemids`,
    /** Fold-in rows (items x dims) of a version: a new user's vector is built from them. */
    foldIn: (version: string) => `gnn:{model}:${version}:foldin`,
    /** Graph filter's normalized interaction matrix (CSR blob) of a version, for its exact item-item term. */
    normalized: (version: string) => `gnn:{model}:${version}:norm`,
    /** Published versions (sorted by publish time), so old ones can be deleted after their grace period. */
    versions: () => 'gnn:{model}:versions',
    /** Source of monotonically increasing version numbers. */
    versionSeq: () => 'gnn:{model}:seq',
    /** Held by the one instance that trains and publishes. */
    trainLock: () => 'gnn:{model}:trainlock',
    /** Erasures counted (`requested`) and the count the latest publish included (`applied`): a hash, no user id. */
    erasures: () => 'gnn:{model}:erasures',
    /** Per-partition interaction log (stream; entry id = offset + 1, so the last id is the replay watermark). */
    interactionLog: (topic: string, partition: number) => `gnn:${tag(`ilog|${topic}|${partition}`)}:log`,
  },

  /** Append-only stream of administrative changes (who, when, before/after), written by libs/platform's AuditLog. */
  audit: {
    log: () => 'audit:{audit}:log',
  },

  campaign: {
    index: () => 'c:{campaigns}:index',
    definition: (id: string) => `c:{campaigns}:def:${id}`,
    changes: () => 'c:{campaigns}:changes',
    budget: (id: string) => `c:${tag(`budget:${id}`)}:spend`,
    /** Per-offer reservation (state and cents) of a campaign budget, in the budget's slot so release is atomic. */
    budgetOffers: (id: string) => `c:${tag(`budget:${id}`)}:offers`,
    /** When each reservation is released if no outcome settles it first (then when its settled entry is forgotten). */
    budgetReleaseAt: (id: string) => `c:${tag(`budget:${id}`)}:release`,
    /**
     * The budget limits and pause state the reservation script reads (hash: version, spendCents, count, status,
     * endsAtMs), mirrored from the definition on every change, so a change binds every instance at once.
     */
    budgetLimits: (id: string) => `c:${tag(`budget:${id}`)}:limits`,
    /** An offer's record, written by the same script as its reservation (one slot: never one without the other). */
    budgetOfferRecord: (id: string, offerId: string) => `c:${tag(`budget:${id}`)}:offer:${offerId}`,
    /**
     * An offer id given up by a redelivered trigger that found it claimed but never reserved: its reservation, were it
     * still to arrive from the interrupted delivery, is refused.
     */
    budgetOfferVoid: (id: string, offerId: string) => `c:${tag(`budget:${id}`)}:void:${offerId}`,
    /** Offers recorded and not yet acknowledged by Kafka (zset by creation ms): the outbox a sweeper publishes. */
    budgetOutbox: (id: string) => `c:${tag(`budget:${id}`)}:outbox`,
    stats: (id: string) => `c:${tag(`stats:${id}`)}:figures`,
    /**
     * A user's membership of a campaign (hash: group, latest decision ms, revenue and gross profit attributed), in
     * the slot of its figures; expires a membership window after the user's latest decision of the campaign.
     */
    statsMember: (id: string, user: string) => `c:${tag(`stats:${id}`)}:member:${user}`,
    /**
     * Legacy: one field per user and no expiry (assignment, revenue, gross profit). Read only to move a user into
     * statsMember on their next decision or purchase, and by erasure.
     */
    statsMembers: (id: string) => `c:${tag(`stats:${id}`)}:members`,
    statsRevenue: (id: string) => `c:${tag(`stats:${id}`)}:revenue`,
    statsProfit: (id: string) => `c:${tag(`stats:${id}`)}:profit`,
    statsOrder: (id: string, orderId: string) => `c:${tag(`stats:${id}`)}:order:${orderId}`,
    statsOutcome: (id: string, offerId: string) => `c:${tag(`stats:${id}`)}:outcome:${offerId}`,
    /** Sampled report figures over time (hash: bucket start ms -> JSON), read by the console's charts. */
    statsSeries: (id: string) => `c:${tag(`stats:${id}`)}:series`,
    /** Offers made, counted by offer type, trigger and placement (hash), for the console's breakdowns. */
    statsMix: (id: string) => `c:${tag(`stats:${id}`)}:mix`,
    /** Differential-privacy budget of the campaign's exported reports (hash: epsilon spent in millionths, exports). */
    privacyBudget: (id: string) => `c:${tag(`stats:${id}`)}:dp`,
  },
  decision: {
    /** Offer id -> its campaign, for events that name only the offer (its record lives in the campaign's slot). */
    offerCampaign: (offerId: string) => `d:${tag(offerId)}:campaign`,
    /** Trigger-once claim in the user's slot, so it shares one Lua script with the user's frequency caps. */
    userTriggerOnce: (user: string, triggerId: string) => `d:${tag(user)}:once:${triggerId}`,
    /**
     * The decision record of a claimed trigger, written with its claim (same slot, same script) and dropped once
     * Kafka has it: a redelivered trigger whose first record was never published publishes this one.
     */
    userTriggerRecord: (user: string, triggerId: string) => `d:${tag(user)}:record:${triggerId}`,
    /** Campaign -> assignment (treated/holdout and when), read when the user buys, for incrementality. */
    userCampaigns: (user: string) => `d:${tag(user)}:campaigns`,
    /** Product views per category in the current window, for the repeated-browse trigger. */
    userBrowse: (user: string) => `d:${tag(user)}:browse`,
    /** Search and review intent per shop category in the current window (sorted set of summed weights, bounded). */
    userCategoryIntent: (user: string) => `d:${tag(user)}:catintent`,
    /** Carts waiting for their idle deadline (sorted by deadline) and their contents, in one slot. */
    pendingCarts: () => 'd:{carts}:pending',
    pendingCartItems: () => 'd:{carts}:items',
    /** Learned purchase propensity: the published weights and their sequence number, polled by every instance. */
    propensityModel: () => 'd:{propensity}:model',
    propensityVersion: () => 'd:{propensity}:version',
    /**
     * Bounded log of (features, label) examples from offer outcomes, the number ever appended, and per offer a marker.
     */
    propensityLog: () => 'd:{propensity}:log',
    propensityAppended: () => 'd:{propensity}:appended',
    propensityLabelled: (offerId: string) => `d:{propensity}:labelled:${offerId}`,
    /** Appended count at the last refit attempt, and the lock of the one instance refitting. */
    propensityAttempt: () => 'd:{propensity}:attempt',
    propensityLock: () => 'd:{propensity}:lock',
    /**
     * Decisions awaiting their reward (offer, no offer and holdout alike): due time, the logged decision, the reward
     * joined so far, each user's latest decision (purchases are credited to it) and per-order markers. All in one
     * slot so that a purchase or a settlement is one script; the joined examples then go to the reward log.
     */
    learnDue: () => 'd:{learn}:due',
    learnPending: () => 'd:{learn}:pending',
    learnReward: () => 'd:{learn}:reward',
    learnLatest: () => 'd:{learn}:latest',
    learnOrder: (orderId: string) => `d:{learn}:order:${orderId}`,
    learnLog: () => 'd:{learn}:log',
    learnAppended: () => 'd:{learn}:appended',
    /**
     * The published incremental-profit model, its sequence number, the decisions the last refit attempt covered and
     * that attempt's outcome with its figures, and the refit lock.
     */
    profitModel: () => 'd:{profit}:model',
    profitVersion: () => 'd:{profit}:version',
    profitAttempt: () => 'd:{profit}:attempt',
    profitLastRefit: () => 'd:{profit}:last-refit',
    profitLock: () => 'd:{profit}:lock',
    /** The latest published offers, newest first (list, bounded), for the console's live feed. */
    offerFeed: () => 'd:{feed}:offers',
  },
} as const;
