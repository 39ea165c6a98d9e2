import { z } from 'zod';
import { clusterNameInput, ruleSegmentInput } from '@offerstream/feature-store';
import type { ControllerDoc } from '@offerstream/platform';
import { SegmentsController } from './segments.controller';

const contrast = z.object({
  feature: z
    .string()
    .describe('purchases, spend, boughtBefore, daysSinceSeen, events, cartItems, category:<c>, priceBand:<b>'),
  z: z.number().describe('(segment mean - population mean) / population standard deviation'),
  mean: z.number(),
  population: z.number(),
});
const cell = z.object({ decisions: z.number(), converted: z.number() });
const conversion = z
  .object({ offered: cell, notOffered: cell, holdout: cell })
  .describe('Joined decisions made while users were in the cluster (offered, not offered, holdout) and conversions');
const rule = ruleSegmentInput.extend({ id: z.string(), updatedAt: z.string() });
const segments = z.object({
  model: z.object({ version: z.number(), trainedAt: z.string(), sampleSize: z.number() }).nullable(),
  clusters: z.array(
    z.object({
      id: z.string().describe('Stable across retrains (c3)'),
      name: z.string().optional(),
      description: z.string().optional(),
      size: z.number().describe('Users of the latest sample in the cluster'),
      buyerShare: z.number().describe('Share of them who bought at least once'),
      top: z.array(contrast),
      conversion: conversion.optional(),
    }),
  ),
  rules: z.array(rule.extend({ size: z.number().optional(), buyerShare: z.number().optional() })),
});
const ruleId = z.string().describe('Rule segment id: lowercase, starts with a letter, not like c3');
const clusterId = z.string().describe('Stable cluster id, like c3');

export const SEGMENTS_API: readonly ControllerDoc[] = [
  {
    controller: SegmentsController,
    operations: {
      list: {
        summary: 'Learned clusters (stable ids, names, sizes, top features) and rule segments with their sizes',
        response: segments,
      },
      putRule: {
        summary: 'Create or replace a rule segment (admin, audited); evaluated on every profile read',
        params: { id: ruleId },
        body: ruleSegmentInput,
        response: rule,
      },
      deleteRule: {
        summary: 'Delete a rule segment (admin, audited)',
        params: { id: ruleId },
        response: { mediaType: 'text/plain', description: 'Deleted (204, no body)' },
        errors: { 404: 'No rule segment with this id' },
      },
      nameCluster: {
        summary: 'Name a learned cluster (admin, audited); the name stays with its stable id across retrains',
        params: { id: clusterId },
        body: clusterNameInput,
        response: clusterNameInput.extend({ updatedAt: z.string() }),
      },
    },
  },
];
