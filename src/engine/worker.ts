import { parentPort } from 'node:worker_threads';
import { analyse, type AnalysisRequest } from './analyse.js';
import { takeTimings } from './timing.js';

/** Worker thread entry: analyses the batch it is sent and posts the results back. */
parentPort!.on('message', (request: AnalysisRequest) => {
  analyse(request).then(
    (results) => parentPort!.postMessage({ results, timings: request.timing ? takeTimings() : undefined }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
