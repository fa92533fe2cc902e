// node-postgres through the Lattice proxy in front of a PostgreSQL cluster: run by PgClusterProxyTest as
//   node pgcluster.js <port>
// Prints "ok <step>" per step and "ALL OK"; on a failure prints "FAILED: ..." and exits 1.
'use strict';

const assert = require('node:assert/strict');
const { Client } = require('pg');

async function main() {
  const client = new Client({ host: '127.0.0.1', port: Number(process.argv[2]), user: 'lattice',
    password: 'lattice', database: 'lattice' });
  await client.connect();
  console.log('ok connect');
  const sum = await client.query('SELECT $1::int + $2::int AS n, $3::text AS t', [40, 2, 'forty-two']);
  assert.equal(sum.rows[0].n, 42);
  assert.equal(sum.rows[0].t, 'forty-two');
  console.log('ok query with parameters');
  const doc = await client.query(`SELECT '{"a": [1, 2], "b": {"c": true}}'::jsonb AS doc, ARRAY['x', 'y'] AS tags`);
  assert.deepEqual(doc.rows[0].doc, { a: [1, 2], b: { c: true } });
  assert.deepEqual(doc.rows[0].tags, ['x', 'y']);
  console.log('ok jsonb parsed to an object');
  await client.end();
  console.log('ALL OK');
}

main().catch((e) => {
  console.log('FAILED: ' + (e && e.stack || e));
  process.exit(1);
});
