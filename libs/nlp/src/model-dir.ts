import { join } from 'node:path';

/** The shipped model directory (libs/nlp/model), resolved from this file so it works from any cwd. */
export const DEFAULT_MODEL_DIR = join(__dirname, '..', 'model');
