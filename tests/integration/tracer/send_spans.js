// Sends a few traces to ddsim's trace receiver with the real Datadog Node.js tracer (dd-trace).
// Usage: node send_spans.js <port|-> <protocol 0.4|0.5>; with "-", the tracer finds the agent
// from DD_TRACE_AGENT_URL (e.g. unix:///path/to/apm.socket).
// Four traces, five spans, all of service "ddsim-node": a request with a tagged child, an
// error, a manually kept and a manually dropped trace. Exits once the tracer has flushed.
'use strict'
const [port, protocol] = process.argv.slice(2)
process.env.DD_TRACE_AGENT_PROTOCOL_VERSION = protocol
process.env.DD_INSTRUMENTATION_TELEMETRY_ENABLED = 'false'
process.env.DD_REMOTE_CONFIGURATION_ENABLED = 'false'
process.env.DD_TRACE_STARTUP_LOGS = 'false'

const where = port === '-' ? {} : { hostname: '127.0.0.1', port: Number(port) }
const tracer = require('dd-trace').init({
  ...where,
  service: 'ddsim-node',
  env: 'test',
  flushInterval: 0, // every finished trace is sent at once
  plugins: false,
  runtimeMetrics: false,
  stats: { enabled: false }
})

tracer.trace('web.request', { resource: 'GET /users' }, (span) => {
  span.setTag('http.status_code', '200')
  tracer.trace('db.query', { resource: 'SELECT users' }, (child) => child.setTag('db.rows', 3))
})
try {
  tracer.trace('web.request', { resource: 'GET /fail' }, () => { throw new Error('boom') })
} catch (e) {}
tracer.trace('job.run', { resource: 'keep' }, (span) => span.setTag('manual.keep'))
tracer.trace('job.run', { resource: 'drop' }, (span) => span.setTag('manual.drop'))
// dd-trace flushes what is left before the process exits (beforeExit).
