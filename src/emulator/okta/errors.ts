import { randomBytes } from 'node:crypto';

/** An error that renders as Okta's management API error body. */
export class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly causes: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(errorSummary);
  }

  body(): Record<string, unknown> {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      // Okta points every errorLink at the code itself, except E0000009 which links to E0000000.
      errorLink: this.errorCode === 'E0000009' ? 'E0000000' : this.errorCode,
      errorId: 'oae' + randomBytes(16).toString('base64url').slice(0, 22),
      errorCauses: this.causes.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** 400 E0000001 with one cause per invalid field, e.g. validation('name', 'name: The field cannot be left blank'). */
export function validationError(what: string, ...causes: string[]): OktaError {
  return new OktaError(400, 'E0000001', `Api validation failed: ${what}`, causes);
}

export function malformedBody(): OktaError {
  return new OktaError(400, 'E0000003', 'The request body was not well-formed.');
}

export function notFound(resource: string): OktaError {
  return new OktaError(404, 'E0000007', `Not found: Resource not found: ${resource}`);
}

/**
 * The object the path parameter `param` names, found by `find`, or Okta's 404 naming the id and the object's type
 * ("Not found: Resource not found: <id> (<type>)").
 */
export function pathObject<T>(
  ctx: { params: Record<string, string> },
  param: string,
  type: string,
  find: (id: string) => T | undefined,
): T {
  const id = ctx.params[param]!;
  const found = find(id);
  if (!found) throw notFound(`${id} (${type})`);
  return found;
}

export function invalidToken(): OktaError {
  return new OktaError(401, 'E0000011', 'Invalid token provided');
}

export function accessDenied(): OktaError {
  return new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action');
}

export function rateLimited(headers: Record<string, string> = {}): OktaError {
  return new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], headers);
}

export function internalError(): OktaError {
  return new OktaError(500, 'E0000009', 'Internal Server Error');
}

export function methodNotAllowed(): OktaError {
  return new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
}

/** RFC 6749 section 5.2 error returned by the /oauth2 endpoints (never an Okta E-code body). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(errorDescription);
  }

  body(): Record<string, string> {
    return { error: this.error, error_description: this.errorDescription };
  }
}
