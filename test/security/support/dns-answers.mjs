// For the DNS preloads (node --import): names matching `names` get fixed IPv4 answers, `socketAddress` from
// dns.lookup (what a socket uses when it connects by name) and `checkAddress` from dns.promises.lookup (what a check
// before a request uses). Other names resolve as usual.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

export function answerNames(names, { socketAddress, checkAddress }) {
  const realLookup = dns.lookup;
  dns.lookup = function lookup(hostname, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'object' && options !== null ? options : {};
    if (typeof hostname === 'string' && names.test(hostname)) {
      process.nextTick(() =>
        opts.all ? cb(null, [{ address: socketAddress, family: 4 }]) : cb(null, socketAddress, 4),
      );
      return {};
    }
    return realLookup.call(this, hostname, options, callback);
  };

  const realPromiseLookup = dns.promises.lookup;
  dns.promises.lookup = async function lookup(hostname, options) {
    if (typeof hostname === 'string' && names.test(hostname)) {
      return options && typeof options === 'object' && options.all
        ? [{ address: checkAddress, family: 4 }]
        : { address: checkAddress, family: 4 };
    }
    return realPromiseLookup.call(this, hostname, options);
  };

  syncBuiltinESMExports();
}
