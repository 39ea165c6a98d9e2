import { parentPort, workerData } from 'node:worker_threads';
import { fitPropensity, type FeatureVector, type PropensityWeights } from '../policy/propensity.model';

interface Input {
  readonly rows: FeatureVector[];
  readonly labels: number[];
  readonly prior: PropensityWeights;
  readonly epochs: number;
}

const port = parentPort;
if (port) {
  const input = workerData as Input;
  try {
    port.postMessage({ ok: true, weights: fitPropensity(input.rows, input.labels, input.prior, { epochs: input.epochs, learningRate: 1 }) });
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
