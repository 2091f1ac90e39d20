import type { Controls } from '../core/control.js';
import type { Json } from '../core/http-io.js';

/** The shared control surface takes the rate limit as `{rateLimitPerSecond}` for Auth0 (0 = unlimited). */
export function auth0RateLimitSetting(setRateLimit: (perSecond: number) => void): Controls['setRateLimit'] {
  return (settings: Json) => {
    const perSecond = Number(settings.rateLimitPerSecond ?? 0);
    if (!Number.isInteger(perSecond) || perSecond < 0)
      throw new Error('rateLimitPerSecond must be an integer >= 0 (0 = unlimited)');
    setRateLimit(perSecond);
    return { rateLimitPerSecond: perSecond };
  };
}
