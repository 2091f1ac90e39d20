/** Types of example-commands.js (plain JavaScript, shared with scripts/demo.js and bench/). */
export declare const ORDERS_API: readonly string[];
export declare const ORDERS_SCOPES: readonly string[];
export declare const SERVE_TOKEN_HOOK: readonly string[];
export declare const SCIM_TOKEN_ENCODE: readonly string[];
