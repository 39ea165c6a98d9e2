import { serveWorkerTask } from '@offerstream/core';
import { refitProfitModel, type ProfitRefitInput, type ProfitRefitResult } from './profit-refit';

serveWorkerTask<ProfitRefitInput, ProfitRefitResult>((input) => refitProfitModel(input));
