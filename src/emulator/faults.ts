import { seededRandom } from './prng.js';

/** `drop` drops the connection; for writes the PRNG picks before or after the write unless the kind says which. */
export type FaultKind = '429' | '500' | 'drop' | 'drop-before' | 'drop-after';
export const RANDOM_FAULT_KINDS = ['429', '500', 'drop'] as const;

export interface FaultSettings {
  /** probability (0..1) that a management request fails */
  faultRate?: number;
  /** kinds the random faults are drawn from; default all of 429, 500, drop */
  faultKinds?: FaultKind[];
  /** exact faults by management request index: 1 is the first management request after the schedule is set */
  faultSchedule?: Record<number | string, FaultKind>;
  /** extra delay in ms before every management response */
  latencyMs?: number;
  /** also apply faults and latency to the /oauth2 endpoints */
  includeOAuth?: boolean;
  /** reseed the PRNG */
  seed?: number;
}

export type FaultDecision = { kind: 'none' } | { kind: '429' } | { kind: '500' } | { kind: 'drop'; when: 'before' | 'after' };

export class FaultInjector {
  private random: () => number;
  private rate = 0;
  private kinds: FaultKind[] = [...RANDOM_FAULT_KINDS];
  private schedule = new Map<number, FaultKind>();
  private counter = 0;
  latencyMs = 0;
  includeOAuth = false;

  constructor(seed: number, settings: FaultSettings = {}) {
    this.random = seededRandom(seed);
    this.configure(settings);
  }

  configure(settings: FaultSettings): void {
    if (settings.seed !== undefined) this.random = seededRandom(settings.seed);
    if (settings.faultRate !== undefined) this.rate = Math.min(1, Math.max(0, settings.faultRate));
    if (settings.faultKinds !== undefined) this.kinds = settings.faultKinds.length ? [...settings.faultKinds] : [...RANDOM_FAULT_KINDS];
    if (settings.latencyMs !== undefined) this.latencyMs = Math.max(0, settings.latencyMs);
    if (settings.includeOAuth !== undefined) this.includeOAuth = settings.includeOAuth;
    if (settings.faultSchedule !== undefined) {
      this.schedule = new Map(Object.entries(settings.faultSchedule).map(([k, v]) => [Number(k), v]));
      this.counter = 0;
    }
  }

  /** How many management requests have been seen since the schedule was last set. */
  get managementRequestCount(): number {
    return this.counter;
  }

  describe(): Record<string, unknown> {
    return {
      faultRate: this.rate,
      faultKinds: this.kinds,
      faultSchedule: Object.fromEntries(this.schedule),
      latencyMs: this.latencyMs,
      includeOAuth: this.includeOAuth,
      managementRequestCount: this.counter,
    };
  }

  /** Called once per management request, in arrival order. */
  decide(isWrite: boolean): FaultDecision {
    this.counter++;
    const scheduled = this.schedule.get(this.counter);
    if (scheduled) return this.toDecision(scheduled, isWrite);
    if (this.rate > 0 && this.random() < this.rate) {
      const kind = this.kinds[Math.floor(this.random() * this.kinds.length)] ?? '500';
      return this.toDecision(kind, isWrite);
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
