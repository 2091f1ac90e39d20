// A DNS rebinding preload for child processes (node --import). `rebind.example.test` answers a public address
// (203.0.113.7, TEST-NET-3) to dns.promises.lookup, which is what a check before the request uses, and 127.0.0.1
// to dns.lookup, which is what a socket uses when it connects by name: the answer an attacker's zero-TTL record
// gives a moment later. A guard on every socket keeps the test on loopback: a connection to any other address is
// refused here (ECONNREFUSED) and named on stderr, so nothing leaves the machine and the test can see where the
// process tried to connect.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { answerNames } from './dns-answers.mjs';

const REBIND = /^rebind\.example\.test\.?$/i;
const PUBLIC = '203.0.113.7';
const LOOPBACK = '127.0.0.1';

answerNames(REBIND, { socketAddress: LOOPBACK, checkAddress: PUBLIC });

const isLoopback = (address) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

function refused(address) {
  process.stderr.write(`dns-rebind-preload: refused a connection to ${address}\n`);
  return Object.assign(new Error(`connect ECONNREFUSED ${address} (the test allows loopback only)`), {
    code: 'ECONNREFUSED',
  });
}

/** Wraps a socket's lookup: only loopback answers are connected to. */
function guarded(lookup) {
  return function guardedLookup(hostname, options, callback) {
    return lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err);
      const all = Array.isArray(address) ? address : [{ address, family }];
      const outside = all.find((entry) => !isLoopback(entry.address));
      if (outside) return callback(refused(outside.address));
      return callback(null, address, family);
    });
  };
}

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : undefined;
  // A TCP connect (http and tls pass their whole options, a request `path` included): host and port.
  if (options && typeof options.host === 'string' && options.port !== undefined && options.port !== null) {
    if (net.isIP(options.host.replace(/^\[|\]$/g, ''))) {
      if (!isLoopback(options.host.replace(/^\[|\]$/g, ''))) {
        const error = refused(options.host);
        process.nextTick(() => this.destroy(error));
        return this;
      }
    } else {
      options.lookup = guarded(options.lookup ?? dns.lookup);
    }
  }
  return realConnect.apply(this, args);
};

syncBuiltinESMExports();
