// Submits with the official Datadog API client to the URL given, as a user's program would:
//   node submit.js <url> <what> [content-encoding]
// what: v2-series | v1-series | check-run. Prints the client's decoded answer.
"use strict";
const { client, v1, v2 } = require("@datadog/datadog-api-client");

const [url, what, encoding] = process.argv.slice(2);
const configuration = client.createConfiguration({
  authMethods: { apiKeyAuth: "0123456789abcdef0123456789abcdef", appKeyAuth: "not-used" },
  baseServer: new client.BaseServerConfiguration(url, {}),
});
const ts = 1700000000;

async function main() {
  if (what === "v2-series") {
    return new v2.MetricsApi(configuration).submitMetrics({
      body: {
        series: [{
          metric: "ddsim.api_client.v2", type: 3, unit: "request",
          points: [{ timestamp: ts, value: 1.5 }, { timestamp: ts + 10, value: 2.5 }],
          resources: [{ name: "api-host", type: "host" }],
          tags: ["source:api_client", "env:test"],
        }],
      },
      contentEncoding: encoding || undefined,
    });
  }
  if (what === "v1-series") {
    return new v1.MetricsApi(configuration).submitMetrics({
      body: { series: [{ metric: "ddsim.api_client.v1", type: "count", points: [[ts, 7]], host: "api-host", tags: ["env:test"] }] },
      contentEncoding: encoding || undefined,
    });
  }
  if (what === "check-run") {
    return new v1.ServiceChecksApi(configuration).submitServiceCheck({
      body: [{ check: "ddsim.api_client.check", hostName: "api-host", status: 1, timestamp: ts, message: "warn", tags: ["env:test"] }],
    });
  }
  throw new Error("unknown submission " + what);
}

main()
  .then((answer) => console.log(JSON.stringify(answer)))
  .catch((err) => {
    console.error(String(err && err.body ? JSON.stringify(err.body) : err));
    process.exit(1);
  });
