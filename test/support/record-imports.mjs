// `node --import ./record-imports.mjs`: records which modules a process loads (see import-hooks.mjs).
import { register } from 'node:module';

register('./import-hooks.mjs', import.meta.url);
