import { readFile } from 'node:fs/promises';
import { ValidationError } from '@offerstream/core';

/** Per-user item lists as stored in the LightGCN text format: `user item item ...`, 0-based ids. */
export type UserItemLists = Map<number, number[]>;

export function parseLightGcnText(text: string, source = 'input'): UserItemLists {
  const out: UserItemLists = new Map();
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = (lines[ln] ?? '').trim();
    if (line.length === 0) continue;
    const parts = line.split(/\s+/);
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ValidationError('line is not a list of non-negative integers', { source, line: ln + 1 });
    }
    const [user, ...items] = nums;
    if (user === undefined) continue;
    const list = out.get(user) ?? [];
    list.push(...items);
    out.set(user, list);
  }
  return out;
}

export async function readLightGcnFile(path: string): Promise<UserItemLists> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ValidationError(`cannot read ${path}`, { path }, cause);
  }
  return parseLightGcnText(text, path);
}

/** Dense per-user arrays covering both splits so that ids line up between train and test. */
export function alignSplits(
  train: UserItemLists,
  test: UserItemLists,
): {
  numUsers: number;
  numItems: number;
  trainLists: number[][];
  testLists: number[][];
} {
  let numUsers = 0;
  let numItems = 0;
  for (const split of [train, test]) {
    for (const [u, items] of split) {
      numUsers = Math.max(numUsers, u + 1);
      for (const i of items) numItems = Math.max(numItems, i + 1);
    }
  }
  const trainLists = Array.from({ length: numUsers }, (_, u) => [...new Set(train.get(u) ?? [])]);
  const testLists = Array.from({ length: numUsers }, (_, u) => [...new Set(test.get(u) ?? [])]);
  return { numUsers, numItems, trainLists, testLists };
}
