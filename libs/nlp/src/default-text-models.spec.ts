import { loadDefaultTextModels } from './default-text-models';
import { TextScorer } from './scoring/text-scorer';

jest.setTimeout(30_000);

describe('shipped default text models', () => {
  it('load from the repository and judge plain Chinese and English reviews', async () => {
    const models = await loadDefaultTextModels();
    try {
      expect(models.manifests.sentiment.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(models.manifests.sentiment.trainingDataSha256).toHaveLength(2);
      const scorer = new TextScorer(models);
      const [zhPos, zhNeg, enNeg] = scorer.scoreBatch([
        '酒店服务很好，房间干净，下次还会再来',
        '质量太差了，用了两天就坏了，非常失望',
        'Terrible phone, it broke after a week and support never answered.',
      ]);
      expect(zhPos?.sentiment).toBe('positive');
      expect(zhPos?.categories[0]?.category).toBe('酒店');
      expect(zhNeg?.sentiment).toBe('negative');
      expect(enNeg?.sentiment).toBe('negative');
      expect(enNeg?.language).toBe('en');
      expect(scorer.searchIntent('去屑洗发水', 0.2)[0]?.category).toBe('洗发水');
    } finally {
      models.sentiment.dispose();
      models.category.dispose();
    }
  });
});
