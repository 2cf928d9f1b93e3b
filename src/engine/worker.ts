import { parentPort } from 'node:worker_threads';
import { analyse, type AnalysisRequest } from './analyse.js';
import { takeTimings } from './timing.js';

/**
 * Worker thread entry: analyses the batch it is sent, posts the results back and ends. It ends by
 * itself rather than being terminated, so that exit handlers run (the launcher saves V8's code
 * cache of the worker's bundle in one).
 */
parentPort!.once('message', (request: AnalysisRequest) => {
  analyse(request)
    .then(
      (results) => parentPort!.postMessage({ results, timings: request.timing ? takeTimings() : undefined }),
      (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => parentPort!.close());
});
