/**
 * The report reads or the PDF renderer have more work waiting than they take: the request is
 * refused at once (or after waiting its time out) rather than queued without end. The HTTP layer
 * answers 503 with Retry-After.
 */
export class ReportsBusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'ReportsBusyError';
  }
}
