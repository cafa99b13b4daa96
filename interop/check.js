// Calls envoy.service.auth.v3.Authorization/Check on a running Tollgate and checks the response.
// usage: node check.js HOST:PORT PROTO_DIR
// Exits 0 when every expectation holds; prints what failed otherwise.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, protoDir] = process.argv.slice(2);
if (!address || !protoDir) {
  console.error('usage: node check.js HOST:PORT PROTO_DIR');
  process.exit(2);
}

// google.protobuf.* are protobufjs built-ins: their fields stay camelCase (stringValue) despite keepCase.
const definition = protoLoader.loadSync('envoy/service/auth/v3/external_auth.proto', {
  includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const auth = grpc.loadPackageDefinition(definition).envoy.service.auth.v3;
const client = new auth.Authorization(address, grpc.credentials.createInsecure());

function request(principal, method, path) {
  return {
    attributes: {
      source: { principal, address: { socket_address: { address: '10.0.0.7', port_value: 45678 } } },
      destination: { principal: 'spiffe://cluster.local/ns/bank-a/sa/ledger' },
      request: { http: { id: 'node-1', method, path, host: 'ledger.bank-a.svc', headers: { ':path': path } } },
    },
  };
}

function check(req) {
  return new Promise((resolve, reject) =>
    client.Check(req, { deadline: Date.now() + 10000 }, (err, res) => (err ? reject(err) : resolve(res))));
}

const failures = [];
function expect(what, actual, expected) {
  if (actual !== expected) failures.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

(async () => {
  const allowed = await check(request('spiffe://cluster.local/ns/bank-a/sa/teller', 'GET', '/accounts/42'));
  if (process.env.INTEROP_DEBUG) console.error(JSON.stringify(allowed));
  expect('allow status', allowed.status.code, 0);
  expect('allow response kind', allowed.http_response, 'ok_response');
  const md = allowed.dynamic_metadata.fields;
  expect('decision_id is a UUID', /^[0-9a-f-]{36}$/.test(md.decision_id.stringValue), true);
  expect('tenant', md.tenant.stringValue, 'bank-a');
  expect('identity', md.identity.structValue.fields.spiffe_id.stringValue, 'spiffe://cluster.local/ns/bank-a/sa/teller');

  const denied = await check(request('spiffe://cluster.local/ns/bank-a/sa/teller', 'DELETE', '/accounts/42'));
  expect('deny status', denied.status.code, 7);
  expect('deny response kind', denied.http_response, 'denied_response');
  expect('deny http status', denied.denied_response.status.code, 'Forbidden');
  const reason = denied.denied_response.headers.find((h) => h.header.key === 'x-tollgate-reason');
  expect('deny reason header', reason && reason.header.value, 'policy_denied');

  const anonymous = await check(request('', 'GET', '/'));
  expect('anonymous status', anonymous.status.code, 16);
  expect('anonymous http status', anonymous.denied_response.status.code, 'Unauthorized');

  client.close();
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log('interop ok: allow, deny and unauthenticated responses match');
})().catch((e) => {
  console.error(`call failed: ${e.message}`);
  process.exit(1);
});
