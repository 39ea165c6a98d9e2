import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { OfferStreamError } from '@offerstream/core';
import { conversionBySegment, DecisionOutcomeStore, type SegmentConversion } from '@offerstream/decision';
import {
  FeatureStoreReader,
  SegmentDefinitionStore,
  type ClusterName,
  type FeatureContrast,
  type RuleSegment,
} from '@offerstream/feature-store';
import { AuditLog, CurrentCaller, REDIS, Roles, type Caller } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';

export interface ClusterView {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  /** Users of the latest segmentation's sample in the cluster, and the share of them who bought. */
  readonly size: number;
  readonly buyerShare: number;
  readonly top: readonly FeatureContrast[];
  /** Decisions of the joined log made while users were in the cluster, and how many converted; absent without any. */
  readonly conversion?: SegmentConversion;
}

export interface RuleSegmentView extends RuleSegment {
  /** Measured on the latest segmentation's sample; absent until a segmentation ran after the rule was saved. */
  readonly size?: number;
  readonly buyerShare?: number;
}

export interface SegmentsView {
  readonly model: { version: number; trainedAt: string; sampleSize: number } | null;
  readonly clusters: readonly ClusterView[];
  readonly rules: readonly RuleSegmentView[];
}

class SegmentNotFoundError extends OfferStreamError {
  constructor(id: string) {
    super('SEGMENT_NOT_FOUND', `segment ${id} does not exist`, { context: { id } });
  }
}

/**
 * Segments a marketer can target: rule segments (defined here, evaluated on every profile read) and the learned
 * clusters under their stable ids, with sizes, buyer shares and the features that describe them. Reads need
 * `reader`; writes `admin`, each audited with before and after like campaign changes.
 */
@Controller('segments')
@Roles('reader')
export class SegmentsController {
  private readonly audit: AuditLog;
  private readonly definitions: SegmentDefinitionStore;
  private readonly reader: FeatureStoreReader;

  constructor(
    @Inject(REDIS) redis: RedisClient,
    @Inject(DecisionOutcomeStore) private readonly outcomes: DecisionOutcomeStore,
  ) {
    this.audit = new AuditLog(redis);
    this.definitions = new SegmentDefinitionStore(redis);
    this.reader = new FeatureStoreReader(redis);
  }

  @Get()
  async list(): Promise<SegmentsView> {
    const [model, names, rules, joined] = await Promise.all([
      this.reader.getSegmentModel(true),
      this.definitions.clusterNames(),
      this.definitions.listRules(),
      this.outcomes.joined(),
    ]);
    const conversion = conversionBySegment(joined);
    const clusters = (model?.ids ?? []).map((id, i): ClusterView => {
      const f = model?.clusters[i];
      const n = names[id];
      return {
        id,
        ...(n ? { name: n.name, ...(n.description !== undefined ? { description: n.description } : {}) } : {}),
        size: f?.size ?? model?.sizes[i] ?? 0,
        buyerShare: f?.buyerShare ?? 0,
        top: f?.top ?? [],
        ...(conversion[id] ? { conversion: conversion[id] } : {}),
      };
    });
    return {
      model: model
        ? { version: model.version, trainedAt: new Date(model.trainedAt).toISOString(), sampleSize: model.sampleSize }
        : null,
      clusters,
      rules: rules.map((r) => ({ ...r, ...(model?.rules[r.id] ?? {}) })),
    };
  }

  @Put('rules/:id')
  @Roles('admin')
  async putRule(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller?: Caller,
  ): Promise<RuleSegment> {
    const before = await this.definitions.getRule(id);
    const rule = await this.definitions.putRule(id, body);
    await this.record(caller, 'segment.rule.put', id, before ?? null, rule);
    return rule;
  }

  @Delete('rules/:id')
  @Roles('admin')
  @HttpCode(204)
  async deleteRule(@Param('id') id: string, @CurrentCaller() caller?: Caller): Promise<void> {
    const before = await this.definitions.getRule(id);
    if (!before || !(await this.definitions.deleteRule(id))) throw new SegmentNotFoundError(id);
    await this.record(caller, 'segment.rule.delete', id, before, null);
  }

  @Put('clusters/:id/name')
  @Roles('admin')
  async nameCluster(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller?: Caller,
  ): Promise<ClusterName> {
    const before = (await this.definitions.clusterNames())[id];
    const named = await this.definitions.nameCluster(id, body);
    await this.record(caller, 'segment.cluster.name', id, before ?? null, named);
    return named;
  }

  private async record(caller: Caller | undefined, action: string, target: string, before: unknown, after: unknown) {
    await this.audit.record({ actor: caller?.name ?? 'in-process', action, target, before, after });
  }
}
