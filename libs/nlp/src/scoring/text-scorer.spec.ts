import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { saveTextModel } from '../models/text-model.io';
import { syntheticReviews } from '../testing/synthetic-reviews';
import { trainTextModel } from '../training/train-text-model';
import { TextScorer } from './text-scorer';
import { TextScoringPool } from './text-scoring.pool';

jest.setTimeout(60_000);

describe('text scorer', () => {
  const corpus = syntheticReviews(600, 5);
  let scorer: TextScorer;
  let dir: string;

  beforeAll(async () => {
    await initTensorflow();
    const opts = { embeddingDim: 8, maxEpochs: 5, members: 1 };
    const sentiment = (
      await trainTextModel(
        corpus.map((r) => r.text),
        corpus.map((r) => r.sentiment),
        { ...opts, task: 'sentiment' },
      )
    ).classifier;
    const category = (
      await trainTextModel(
        corpus.map((r) => r.text),
        corpus.map((r) => r.category),
        { ...opts, task: 'category' },
      )
    ).classifier;
    scorer = new TextScorer({ sentiment, category });
    dir = mkdtempSync(join(tmpdir(), 'nlp-scorer-'));
    const provenance = { version: '0.1.0', command: 'test', trainingDataSha256: [], metrics: {} };
    await saveTextModel(sentiment, join(dir, 'sentiment'), provenance);
    await saveTextModel(category, join(dir, 'category'), provenance);
  });

  afterAll(() => {
    scorer.models.sentiment.dispose();
    scorer.models.category?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores sentiment, categories, language and token counts', () => {
    const [pos, neg] = scorer.scoreBatch(['this phone is great, excellent screen', '酒店房间很差，非常失望']);
    expect(pos?.sentiment).toBe('positive');
    expect(pos?.language).toBe('en');
    expect(pos?.categories[0]?.category).toBe('phone');
    expect(pos?.tokens).toBeGreaterThan(5);
    expect(neg?.sentiment).toBe('negative');
    expect(neg?.language).toBe('zh');
    expect(neg?.categories[0]?.category).toBe('hotel');
    expect(neg?.flags).toEqual([]);
  });

  it('returns a neutral result flagged empty for empty or blank text', () => {
    for (const s of scorer.scoreBatch(['', '   \n'])) {
      expect(s).toMatchObject({ positive: 0.5, sentiment: 'neutral', categories: [], tokens: 0, flags: ['empty'] });
    }
  });

  it('truncates huge text to the token cap and flags it', () => {
    const [s] = scorer.scoreBatch(['terrible broken refund '.repeat(200_000)]);
    expect(s?.flags).toContain('truncated');
    expect(s?.tokens).toBeLessThanOrEqual(scorer.models.sentiment.spec.maxTokens);
    expect(s?.sentiment).toBe('negative');
  });

  it('flags binary payloads as unsupported instead of guessing', () => {
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)).toString('latin1');
    const [s] = scorer.scoreBatch([binary, '\u0000\u0001\u0002garbage\u0003']);
    expect(s?.flags).toEqual(['unsupported']);
    expect(s?.positive).toBe(0.5);
  });

  it('still scores text in an unsupported language as other', () => {
    const [s] = scorer.scoreBatch(['Этот телефон отличный']);
    expect(s?.language).toBe('other');
    expect(s?.positive).toBeGreaterThanOrEqual(0);
    expect(s?.positive).toBeLessThanOrEqual(1);
  });

  it('maps a search query to its category above a threshold', () => {
    expect(scorer.searchIntent('hotel room', 0.5)[0]?.category).toBe('hotel');
    expect(scorer.searchIntent('')).toEqual([]);
  });

  it('names the most negative terms of negative reviews', () => {
    const negatives = corpus.filter((r) => r.sentiment === '0').map((r) => r.text);
    const terms = scorer.topTerms(negatives, 10).map((t) => t.term);
    const negWords = [
      'terrible',
      'broken',
      'refund',
      'awful',
      'waste',
      'disappointed',
      '差',
      '失望',
      '退货',
      '垃圾',
      '坏',
      '后悔',
    ];
    expect(terms.filter((t) => negWords.some((w) => t.includes(w))).length).toBeGreaterThanOrEqual(5);
  });

  it('scores in worker threads exactly as in the calling thread', async () => {
    const pool = await TextScoringPool.start({
      workers: 2,
      maxQueue: 8,
      sentimentDir: join(dir, 'sentiment'),
      categoryDir: join(dir, 'category'),
    });
    try {
      const texts = corpus.slice(0, 64).map((r) => r.text);
      const [a, b] = await Promise.all([pool.score(texts.slice(0, 32)), pool.score(texts.slice(32))]);
      const inThread = scorer.scoreBatch(texts);
      expect([...(a ?? []), ...(b ?? [])]).toEqual(inThread);
    } finally {
      await pool.close();
    }
  });

  it('returns the negative terms of negative texts from the worker, as the calling thread computes them', async () => {
    const pool = await TextScoringPool.start({ workers: 1, maxQueue: 4, sentimentDir: join(dir, 'sentiment') });
    try {
      const texts = ['terrible broken phone, want a refund', 'this phone is great, excellent screen'];
      const { scores, terms } = await pool.scoreDetailed(texts, { negativeTerms: 3 });
      expect(scores.map((s) => s.sentiment)).toEqual(['negative', 'positive']);
      expect(terms[0]).toEqual(scorer.topTerms([texts[0] as string], 3));
      expect(terms[0]?.length).toBeGreaterThan(0);
      expect(terms[1]).toBeNull();
    } finally {
      await pool.close();
    }
  });

  it('refuses work beyond the bounded queue with a retriable error', async () => {
    const pool = await TextScoringPool.start({ workers: 1, maxQueue: 1, sentimentDir: join(dir, 'sentiment') });
    try {
      const texts = corpus.slice(0, 8).map((r) => r.text);
      const first = pool.score(texts);
      const second = pool.score(texts);
      await expect(pool.score(texts)).rejects.toMatchObject({ code: 'NLP_QUEUE_FULL', retriable: true });
      await Promise.all([first, second]);
    } finally {
      await pool.close();
    }
  });
  it('fails a batch that overruns its timeout with a retriable error and replaces the worker', async () => {
    const pool = await TextScoringPool.start({
      workers: 1,
      maxQueue: 4,
      jobTimeoutMs: 300,
      sentimentDir: join(dir, 'sentiment'),
    });
    try {
      const huge = Array.from({ length: 200 }, () => corpus.map((r) => r.text)).flat();
      await expect(pool.score(huge)).rejects.toMatchObject({ code: 'NLP_SCORING_TIMEOUT', retriable: true });
      const texts = ['terrible broken phone, want a refund'];
      const [after] = await pool.score(texts);
      expect(after?.positive).toBe(scorer.scoreBatch(texts)[0]?.positive);
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
