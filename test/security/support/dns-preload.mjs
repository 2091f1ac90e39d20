// A DNS preload for child processes (node --import): names under .example.test resolve to 127.0.0.1, so a test can
// use host names that must LOOK non-loopback (https required, no loopback exemption) while every connection still
// lands on a trap server on this machine. Nothing leaves loopback. Other names resolve as usual.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const FAKE = /\.example\.test\.?$/i;
const ADDRESS = '127.0.0.1';

const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  if (typeof hostname === 'string' && FAKE.test(hostname)) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: ADDRESS, family: 4 }]) : cb(null, ADDRESS, 4)));
    return {};
  }
  return realLookup.call(this, hostname, options, callback);
};

const realPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  if (typeof hostname === 'string' && FAKE.test(hostname)) {
    return options && typeof options === 'object' && options.all
      ? [{ address: ADDRESS, family: 4 }]
      : { address: ADDRESS, family: 4 };
  }
  return realPromiseLookup.call(this, hostname, options);
};

syncBuiltinESMExports();
