// The small modules nearly every command uses. The build (scripts/build.js) injects this file into every entry point,
// so they are bundled as one chunk that the start-up and every command share, instead of one chunk each.
import './errors.js';
import './config/files.js';
import './config/paths.js';
import './config/profiles.js';
import './config/validate.js';
import './secrets/refs.js';
import './secrets/redact.js';
import './ui/format.js';
import './ui/plan.js';
import './ui/prompt.js';
import './ui/sanitize.js';
import './ui/streams.js';
import './reconcile/plan.js';
import './reconcile/find-recorded.js';
import './remote-call.js';
import './commands/define.js';
import './commands/options.js';
import './commands/summaries.js';
