// Turning failed requests into messages a user can act on.

/** A request to the jupyter-mlm API that failed; `status` 0 means the server was not reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly endpoint: string,
    message: string
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const MISSING_EXTENSION_HINT =
  'Is the jupyter-mlm server extension installed and enabled? ' +
  '`jupyter server extension list` should show jupyter_mlm OK; restart JupyterLab after installing.';

/**
 * The message of an error response: jupyter_server's `{"message", "reason"}` JSON when there is
 * one, otherwise the HTTP status (Tornado's HTML error pages say nothing more useful).
 */
export function errorMessageFromBody(status: number, statusText: string, body: string, endpoint: string): string {
  let message = '';
  try {
    const data = JSON.parse(body) as unknown;
    if (data && typeof data === 'object') {
      const { message: m, reason, error } = data as Record<string, unknown>;
      const text = [m, error].find(v => typeof v === 'string' && v.trim() !== '') as string | undefined;
      if (text) {
        message = text.trim();
        if (typeof reason === 'string' && reason && !message.includes(reason)) {
          message += ` (${reason})`;
        }
      }
    }
  } catch {
    // not JSON: fall back to the status line
  }
  const statusLine = `${status} ${statusText || defaultStatusText(status)}`.trim();
  if (message && statusLine.endsWith(message)) {
    message = ''; // "Not Found" says no more than the status line
  }
  if (message) {
    return `${message} [${statusLine}]`;
  }
  if (status === 404) {
    // no JSON answer: the route itself is unknown, so the server extension is not loaded
    return `The jupyter-mlm API did not answer at mlm/api/${endpoint} (${statusLine}). ${MISSING_EXTENSION_HINT}`;
  }
  message = statusLine;
  return message;
}

function defaultStatusText(status: number): string {
  const known: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable'
  };
  return known[status] ?? '';
}

/** A one-line description of anything thrown, for the panel's error boxes. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (error instanceof Error) {
    return error.message || error.name;
  }
  if (typeof error === 'string') {
    return error;
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** The message for a request that never got an answer. */
export function networkErrorMessage(endpoint: string, cause: unknown): string {
  const why = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return `Could not reach the Jupyter server for mlm/api/${endpoint}${why}. Is the server still running?`;
}
