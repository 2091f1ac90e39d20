// Typed errors of the hooks domain. Each carries a message for a person and a hint; the command layer maps
// them onto exit codes (not found / usage -> 2, build failures -> 1).

export class HookError extends Error {
  override name = 'HookError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No such template (exit code 2: bad input). */
export class TemplateNotFoundError extends HookError {
  override name = 'TemplateNotFoundError';
}

/** esbuild refused a template (exit code 1). */
export class BundleError extends HookError {
  override name = 'BundleError';
}

/** A zip or bundle given to `serve` could not be loaded (exit code 2). */
export class HandlerLoadError extends HookError {
  override name = 'HandlerLoadError';
}
