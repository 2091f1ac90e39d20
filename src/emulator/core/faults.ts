import { seededRandom, type Rng } from './prng.js';

/**
 * `drop` closes the connection without an answer; on a write the PRNG picks whether that happens before or after the
 * write is applied, unless `drop-before` / `drop-after` says which.
 */
export type FaultKind = '429' | '500' | 'drop' | 'drop-before' | 'drop-after';
const RANDOM_FAULT_KINDS = ['429', '500', 'drop'] as const;
const ALL_FAULT_KINDS: readonly string[] = ['429', '500', 'drop', 'drop-before', 'drop-after'];

/**
 * The same field names and meaning in both emulators, so one test helper steers either. A faultable request is a
 * management API request, or with includeOAuth also a token or discovery request.
 */
export interface FaultSettings {
  /** probability (0..1) that a faultable request fails */
  faultRate?: number;
  /** kinds the random faults are drawn from; default 429, 500, drop */
  faultKinds?: FaultKind[];
  /** {N: kind}: fault exactly the Nth faultable request (1-based), counted from when the schedule is set */
  faultSchedule?: Record<number | string, FaultKind>;
  /** extra delay in ms before every faultable answer */
  latencyMs?: number;
  /** also apply faults and latency to the OAuth and discovery endpoints */
  includeOAuth?: boolean;
  /** reseed the PRNG */
  seed?: number;
}

/** How the emulators differ in what they accept and report; everything else is shared. */
interface FaultInjectorOptions {
  /** XORed into every seed, for an emulator that also draws other values (ids) from the same seed */
  seedSalt?: number;
  /** throw on a setting out of range, changing nothing, instead of clamping it */
  rejectInvalid?: boolean;
  /** the name `describe()` gives the faultable request count */
  countKey?: string;
}

export type FaultDecision =
  { kind: 'none' } | { kind: '429' } | { kind: '500' } | { kind: 'drop'; when: 'before' | 'after' };

function isFaultKind(v: unknown): v is FaultKind {
  return typeof v === 'string' && ALL_FAULT_KINDS.includes(v);
}

function validate(settings: FaultSettings): void {
  const { faultRate, faultKinds, faultSchedule, latencyMs } = settings;
  if (faultRate !== undefined && !(typeof faultRate === 'number' && faultRate >= 0 && faultRate <= 1)) {
    throw new Error('faultRate must be a number within [0, 1]');
  }
  if (faultKinds !== undefined && !(Array.isArray(faultKinds) && faultKinds.every(isFaultKind))) {
    throw new Error(`faultKinds must be a list of ${ALL_FAULT_KINDS.join(', ')}`);
  }
  if (faultSchedule !== undefined) {
    for (const [k, v] of Object.entries(faultSchedule)) {
      const n = Number(k);
      if (!Number.isInteger(n) || n < 1 || !isFaultKind(v))
        throw new Error(`bad faultSchedule entry ${k}: ${String(v)} (keys are 1-based request numbers)`);
    }
  }
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0))
    throw new Error('latencyMs must be >= 0');
}

export class FaultInjector {
  private random: Rng;
  private rate = 0;
  private kinds: FaultKind[] = [...RANDOM_FAULT_KINDS];
  private schedule = new Map<number, FaultKind>();
  private counter = 0;
  latencyMs = 0;
  includeOAuth = false;
  private readonly seedSalt: number;
  private readonly rejectInvalid: boolean;
  private readonly countKey: string;

  constructor(seed: number, settings: FaultSettings = {}, options: FaultInjectorOptions = {}) {
    this.seedSalt = options.seedSalt ?? 0;
    this.rejectInvalid = options.rejectInvalid ?? false;
    this.countKey = options.countKey ?? 'requestCount';
    this.random = seededRandom(seed ^ this.seedSalt);
    this.configure(settings);
  }

  /** With rejectInvalid, validates everything before applying anything: a bad setting changes nothing. */
  configure(settings: FaultSettings): void {
    if (this.rejectInvalid) validate(settings);
    if (settings.seed !== undefined) this.random = seededRandom(settings.seed ^ this.seedSalt);
    if (settings.faultRate !== undefined) this.rate = Math.min(1, Math.max(0, settings.faultRate));
    if (settings.faultKinds !== undefined)
      this.kinds = settings.faultKinds.length ? [...settings.faultKinds] : [...RANDOM_FAULT_KINDS];
    if (settings.latencyMs !== undefined) this.latencyMs = Math.max(0, settings.latencyMs);
    if (settings.includeOAuth !== undefined) this.includeOAuth = settings.includeOAuth;
    if (settings.faultSchedule !== undefined) {
      this.schedule = new Map(Object.entries(settings.faultSchedule).map(([k, v]) => [Number(k), v]));
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
      [this.countKey]: this.counter,
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
