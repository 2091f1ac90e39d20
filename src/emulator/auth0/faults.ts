import { createRng, type Rng } from './prng.js';

/**
 * `drop` closes the connection without an answer; on a write the PRNG picks whether that happens before or after the
 * write is applied, unless `drop-before` / `drop-after` says which. Same vocabulary as the Okta emulator.
 */
export type FaultKind = '429' | '500' | 'drop' | 'drop-before' | 'drop-after';
export const RANDOM_FAULT_KINDS = ['429', '500', 'drop'] as const;
const ALL_KINDS: readonly string[] = ['429', '500', 'drop', 'drop-before', 'drop-after'];

/** Same field names and meaning as the Okta emulator's, so one test helper steers both. */
export interface FaultSettings {
  /** probability (0..1) that a faultable request fails */
  faultRate?: number;
  /** kinds the random faults are drawn from; default 429, 500, drop */
  faultKinds?: FaultKind[];
  /** {N: kind}: fault exactly the Nth faultable request (1-based), counted from when the schedule is set */
  faultSchedule?: Record<number | string, FaultKind>;
  /** extra delay in ms before every faultable answer */
  latencyMs?: number;
  /** faultable = Management API requests; with this, /oauth/token and /.well-known/* too */
  includeOAuth?: boolean;
  /** reseed the PRNG */
  seed?: number;
}

export type FaultDecision = { kind: 'none' } | { kind: '429' } | { kind: '500' } | { kind: 'drop'; when: 'before' | 'after' };

export function isFaultKind(v: unknown): v is FaultKind {
  return typeof v === 'string' && ALL_KINDS.includes(v);
}

export class FaultInjector {
  private random: Rng;
  private rate = 0;
  private kinds: FaultKind[] = [...RANDOM_FAULT_KINDS];
  private schedule = new Map<number, FaultKind>();
  private counter = 0;
  latencyMs = 0;
  includeOAuth = false;

  constructor(seed: number, settings: FaultSettings = {}) {
    this.random = createRng(seed ^ 0x5eedfa17);
    this.configure(settings);
  }

  /** Validates everything first, then applies: a bad setting changes nothing. */
  configure(settings: FaultSettings): void {
    const { faultRate, faultKinds, faultSchedule, latencyMs } = settings;
    if (faultRate !== undefined && !(typeof faultRate === 'number' && faultRate >= 0 && faultRate <= 1)) {
      throw new Error('faultRate must be a number within [0, 1]');
    }
    if (faultKinds !== undefined && !(Array.isArray(faultKinds) && faultKinds.every(isFaultKind))) {
      throw new Error(`faultKinds must be a list of ${ALL_KINDS.join(', ')}`);
    }
    let schedule: Map<number, FaultKind> | undefined;
    if (faultSchedule !== undefined) {
      schedule = new Map();
      for (const [k, v] of Object.entries(faultSchedule)) {
        const n = Number(k);
        if (!Number.isInteger(n) || n < 1 || !isFaultKind(v)) throw new Error(`bad faultSchedule entry ${k}: ${String(v)} (keys are 1-based request numbers)`);
        schedule.set(n, v);
      }
    }
    if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0)) throw new Error('latencyMs must be >= 0');

    if (settings.seed !== undefined) this.random = createRng(settings.seed ^ 0x5eedfa17);
    if (faultRate !== undefined) this.rate = faultRate;
    if (faultKinds !== undefined) this.kinds = faultKinds.length ? [...faultKinds] : [...RANDOM_FAULT_KINDS];
    if (latencyMs !== undefined) this.latencyMs = latencyMs;
    if (settings.includeOAuth !== undefined) this.includeOAuth = settings.includeOAuth;
    if (schedule) {
      this.schedule = schedule;
      this.counter = 0;
    }
  }

  clear(): void {
    this.configure({ faultRate: 0, faultSchedule: {}, latencyMs: 0, includeOAuth: false });
  }

  /** Faultable requests seen since the schedule was last set. */
  get requestCount(): number {
    return this.counter;
  }

  describe(): Record<string, unknown> {
    return {
      faultRate: this.rate,
      faultKinds: this.kinds,
      faultSchedule: Object.fromEntries(this.schedule),
      latencyMs: this.latencyMs,
      includeOAuth: this.includeOAuth,
      requestCount: this.counter,
    };
  }

  /** Called once per faultable request, in arrival order. */
  decide(isWrite: boolean): FaultDecision {
    this.counter++;
    const scheduled = this.schedule.get(this.counter);
    if (scheduled) return this.toDecision(scheduled, isWrite);
    if (this.rate > 0 && this.random() < this.rate) {
      return this.toDecision(this.kinds[Math.floor(this.random() * this.kinds.length)] ?? '500', isWrite);
    }
    return { kind: 'none' };
  }

  private toDecision(kind: FaultKind, isWrite: boolean): FaultDecision {
    switch (kind) {
      case '429':
        return { kind: '429' };
      case '500':
        return { kind: '500' };
      case 'drop-before':
        return { kind: 'drop', when: 'before' };
      case 'drop-after':
        return { kind: 'drop', when: isWrite ? 'after' : 'before' };
      case 'drop':
        return { kind: 'drop', when: isWrite && this.random() < 0.5 ? 'after' : 'before' };
    }
  }
}
