/**
 * Operations given up by a timeout that have not ended (a read of a hung network mount may never end): a thread
 * pool request, or a worker thread stuck in a blocking read. Node cannot exit normally while one of its threads is
 * stuck in the kernel (exiting joins every thread), so a command checks this count once its output is written.
 */
let stuck = 0;

export function stuckOperations(): number {
  return stuck;
}

/** Counts `operation` as stuck until it ends. */
export function markStuck(operation: Promise<unknown>): void {
  stuck++;
  const ended = () => {
    stuck--;
  };
  operation.then(ended, ended);
}
