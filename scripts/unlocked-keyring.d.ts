/** Types of unlocked-keyring.js (plain JavaScript, shared with test/support/session-bus.ts). */
export declare function writeUnlockedKeyring(dir: string): void;
