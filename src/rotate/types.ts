import type { ProbeResult } from '../oauth/probe.js';
import type { Rotation, RotationStep } from './state.js';

export interface RotationOptions {
  /** Deactivate and delete the old credential in this run. */
  finish: boolean;
  /** Wait this long after the switch, then finish (the same run). */
  graceMs?: number | undefined;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Hands the new credential to consumers outside the keychain (--print-new-secret, --to-env-file) before finishing. */
  deliver?: ((credential: string) => Promise<void>) | undefined;
}

export interface RotationEvent {
  step: RotationStep | 'grace' | 'verify';
  message: string;
}

export interface RotationPlan {
  resume: boolean;
  steps: string[];
  /** Whether the run would write anything (a resumed rotation waiting for --finish writes nothing). */
  writes: boolean;
  credentials: Array<{ id: string; status: string; created?: string; kid?: string }>;
}

export interface RotationResult {
  finished: boolean;
  rotation: Rotation;
  /** The new secret or private key: only for what the user asked for (--print-new-secret, --to-env-file). */
  newCredential?: string;
}

export type Verification = () => Promise<ProbeResult>;
