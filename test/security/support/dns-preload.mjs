// A DNS preload for child processes (node --import): names under .example.test resolve to 127.0.0.1, so a test can
// use host names that must LOOK non-loopback (https required, no loopback exemption) while every connection still
// lands on a trap server on this machine. Nothing leaves loopback. Other names resolve as usual.
import { answerNames } from './dns-answers.mjs';

answerNames(/\.example\.test\.?$/i, { socketAddress: '127.0.0.1', checkAddress: '127.0.0.1' });
