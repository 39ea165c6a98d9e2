import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '@offerstream/core';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { loadTextModel } from '../models/text-model.io';
import { TextScorer } from './text-scorer';
import type { WorkerRequest, WorkerResponse, WorkerSetup } from './text-scoring.protocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const setup = workerData as WorkerSetup;
  try {
    const backend = await initTensorflow();
    const sentiment = (await loadTextModel(setup.sentimentDir)).classifier;
    const category = setup.categoryDir ? (await loadTextModel(setup.categoryDir)).classifier : undefined;
    const scorer = new TextScorer(category ? { sentiment, category } : { sentiment }, setup.scorerOptions);
    port.on('message', (req: WorkerRequest) => {
      let res: WorkerResponse;
      try {
        const scores = scorer.scoreBatch(req.texts, req.topK);
        const k = req.negativeTerms ?? 0;
        res =
          k > 0
            ? {
                id: req.id,
                scores,
                terms: scores.map((s, i) =>
                  s.sentiment === 'negative' ? scorer.topTerms([req.texts[i] ?? ''], k) : null,
                ),
              }
            : { id: req.id, scores };
      } catch (error) {
        res = { id: req.id, error: errorMessage(error) };
      }
      port.postMessage(res);
    });
    port.postMessage({ ready: true, backend });
  } catch (error) {
    port.postMessage({ ready: false, error: errorMessage(error) });
  }
}

void main();
