// Sends one of every DogStatsD message kind with the real hot-shots client.
//   node send_hot_shots.js udp <port>
//   node send_hot_shots.js uds <socket path>
// Exit 0 when sent, 77 when the transport is unavailable here (the test then skips), 1 on error.
'use strict';

let StatsD;
try {
  StatsD = require('hot-shots');
} catch (e) {
  console.error('hot-shots is not installed (run scripts/install-test-clients.sh)');
  process.exit(77);
}

const [protocol, where] = process.argv.slice(2);
const options = {
  prefix: 'hs.',
  globalTags: { client: 'hot-shots' },
  errorHandler: (err) => {
    console.error('hot-shots error:', err.message);
    process.exitCode = 1;
  },
};
if (protocol === 'udp') {
  Object.assign(options, { protocol: 'udp', host: '127.0.0.1', port: Number(where) });
} else if (protocol === 'uds') {
  try {
    require('unix-dgram');
  } catch (e) {
    console.error('unix-dgram (hot-shots UDS support) is not built here');
    process.exit(77);
  }
  Object.assign(options, { protocol: 'uds', path: where });
} else {
  console.error('usage: send_hot_shots.js udp PORT | uds PATH');
  process.exit(2);
}

const client = new StatsD(options);
client.gauge('gauge', 42.5, ['kind:gauge']);
client.increment('counter', 3, ['kind:counter']);  // no sample rate: hot-shots samples client-side
client.histogram('histogram', 7, ['kind:histogram']);
client.distribution('distribution', 11, ['kind:distribution']);
client.set('set', 'member-1', ['kind:set']);
client.timing('timing', 250, ['kind:timing']);
client.event('deploy', 'line one\nline two', {
  hostname: 'web-1', aggregation_key: 'deploys', priority: 'low',
  source_type_name: 'jenkins', alert_type: 'success',
}, ['kind:event']);
client.check('service.up', client.CHECKS.WARNING, { hostname: 'web-1', message: 'degraded' },
  ['kind:check']);
client.close((err) => {
  if (err) {
    console.error('close failed:', err.message);
    process.exit(1);
  }
});
