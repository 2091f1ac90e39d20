/** Error bodies in the two shapes Auth0 uses: Management API v2 and the Authentication API. */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Management API v2 error: {statusCode, error, message, errorCode}. */
export function mgmtError(status: number, message: string, errorCode?: string): Reply {
  const body: Record<string, unknown> = { statusCode: status, error: REASONS[status] ?? 'Error', message };
  if (errorCode !== undefined) body.errorCode = errorCode;
  return { status, body };
}

export const badRequest = (message: string, errorCode = 'invalid_body'): Reply => mgmtError(400, message, errorCode);
export const notFound = (message: string, errorCode: string): Reply => mgmtError(404, message, errorCode);
export const conflict = (message: string, errorCode: string): Reply => mgmtError(409, message, errorCode);

/** Authentication API error: {error, error_description}. */
export function authError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

export const RATE_LIMITED_BODY = {
  statusCode: 429,
  error: 'Too Many Requests',
  message: 'Global limit has been reached',
  errorCode: 'too_many_requests',
};

/** Thrown by a handler to answer with the given reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`emulator reply ${reply.status}`);
  }
}
