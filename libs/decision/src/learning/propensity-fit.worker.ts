import { serveWorkerTask } from '@offerstream/core';
import { fitPropensity, type FeatureVector, type PropensityWeights } from '../policy/propensity.model';

interface Input {
  readonly rows: FeatureVector[];
  readonly labels: number[];
  readonly prior: PropensityWeights;
  readonly epochs: number;
}

serveWorkerTask<Input, PropensityWeights>((input) =>
  fitPropensity(input.rows, input.labels, input.prior, { epochs: input.epochs, learningRate: 1 }),
);
