// node-postgres (the `pg` package) through the Lattice proxy: run by NodePostgresTest as
//   node script.js <port> [<CA certificate PEM>]
// With a CA certificate it connects over TLS (SSLRequest), verifying the proxy's certificate for 127.0.0.1.
// Prints one "ok <step>" line per step and exits 0; on any failure prints "FAILED: ..." and exits 1.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Client } = require('pg');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node script.js <port>');
  process.exit(2);
}
const caFile = process.argv[3];

function ok(step) {
  console.log('ok ' + step);
}

async function expectError(client, sql, params, sqlState) {
  try {
    await client.query(sql, params);
  } catch (e) {
    assert.equal(e.code, sqlState, `${sql}: expected SQLState ${sqlState}, got ${e.code} (${e.message})`);
    return e;
  }
  assert.fail(`${sql}: expected an error with SQLState ${sqlState}`);
}

async function main() {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'lattice',
    password: 'lattice',
    database: 'lattice',
    application_name: 'node-postgres-test',
    connectionTimeoutMillis: 10000,
    query_timeout: 30000,
    ssl: caFile ? { ca: fs.readFileSync(caFile, 'utf8'), rejectUnauthorized: true } : false,
  });
  let tokens = 0;
  client.connection.on('parameterStatus', (msg) => {
    if (msg.parameterName === 'lattice_token') {
      tokens++;
    }
  });
  await client.connect(); // SCRAM-SHA-256
  ok('connect');
  const stream = client.connection.stream;
  if (caFile) {
    assert.equal(stream.encrypted, true, 'the socket is a TLS socket');
    assert.match(String(stream.getProtocol()), /^TLSv1\.[23]$/);
    assert.equal(stream.authorized, true, 'the proxy certificate was verified');
    ok('tls ' + stream.getProtocol() + ' ' + stream.getCipher().name);
  } else {
    assert.notEqual(stream.encrypted, true, 'a plain socket');
    ok('plain');
  }

  await client.query('create table node_items (id int primary key, name varchar(40), price numeric(10,2))');
  ok('create');

  // Extended protocol: parameters $1, $2, $3 (sent as text, types inferred by the server).
  for (const [id, name, price] of [[1, 'alpha', '1.50'], [2, 'beta', '2.25'], [3, 'gamma', '10.00']]) {
    const r = await client.query('insert into node_items (id, name, price) values ($1, $2, $3)', [id, name, price]);
    assert.equal(r.rowCount, 1);
    assert.equal(r.command, 'INSERT');
  }
  ok('insert with parameters');

  let r = await client.query('select id, name, price from node_items where id >= $1 order by id', [2]);
  assert.deepEqual(r.rows.map((row) => [row.id, row.name, row.price]), [[2, 'beta', '2.25'], [3, 'gamma', '10.00']]);
  assert.deepEqual(r.fields.map((f) => f.name), ['id', 'name', 'price']);
  ok('select with a parameter');

  // A prepared (named) statement, executed twice on the same connection.
  for (const [id, name] of [[1, 'alpha'], [3, 'gamma']]) {
    r = await client.query({ name: 'by_id', text: 'select name from node_items where id = $1', values: [id] });
    assert.deepEqual(r.rows, [{ name }]);
  }
  ok('named prepared statement');

  // Simple protocol, several statements in one query string.
  r = await client.query('select count(*) as n from node_items; select max(id) as m from node_items');
  assert.equal(r.length, 2);
  assert.equal(Number(r[0].rows[0].n), 3);
  assert.equal(Number(r[1].rows[0].m), 3);
  ok('multi-statement simple query');

  await client.query('SET CONSISTENCY READ_YOUR_WRITES');
  r = await client.query('SHOW CONSISTENCY');
  assert.equal(Object.values(r.rows[0])[0], 'READ_YOUR_WRITES', JSON.stringify(r.rows));
  ok('SET CONSISTENCY READ_YOUR_WRITES / SHOW CONSISTENCY');

  // Read-your-writes: a write, then a read that must see it (from a replica or the primary).
  await client.query('insert into node_items (id, name, price) values ($1, $2, $3)', [4, 'delta', '4.00']);
  r = await client.query('select name from node_items where id = $1', [4]);
  assert.deepEqual(r.rows, [{ name: 'delta' }]);
  ok('read your own write');

  await client.query('BEGIN');
  await client.query('insert into node_items (id, name, price) values ($1, $2, $3)', [5, 'epsilon', '5.00']);
  await client.query('update node_items set price = $1 where id = $2', ['1.75', 1]);
  await client.query('COMMIT');
  r = await client.query('select id, price from node_items where id in (1, 5) order by id');
  assert.deepEqual(r.rows, [{ id: 1, price: '1.75' }, { id: 5, price: '5.00' }]);
  ok('transaction BEGIN/COMMIT');
  assert.ok(tokens > 0, 'the proxy sent lattice_token as a ParameterStatus after commits');
  ok('lattice_token ParameterStatus');

  await client.query('BEGIN');
  await client.query('delete from node_items where id = $1', [5]);
  await client.query('ROLLBACK');
  r = await client.query('select count(*) as n from node_items');
  assert.equal(Number(r.rows[0].n), 5);
  ok('transaction BEGIN/ROLLBACK');

  // Errors carry their SQLState, and the connection keeps working afterwards.
  const missing = await expectError(client, 'select * from no_such_table', undefined, '42P01');
  assert.equal(missing.severity, 'ERROR');
  r = await client.query('select 1 as one');
  assert.deepEqual(r.rows, [{ one: 1 }]);
  ok('error 42P01 then the connection still works');

  await expectError(client, 'insert into node_items (id, name, price) values ($1, $2, $3)', [1, 'duplicate', '0'],
    '23505');
  r = await client.query('select name from node_items where id = $1', [1]);
  assert.deepEqual(r.rows, [{ name: 'alpha' }]);
  ok('error 23505 then the connection still works');

  // An error inside a transaction aborts it (25P02) until ROLLBACK.
  await client.query('BEGIN');
  await expectError(client, 'insert into node_items (id, name, price) values ($1, $2, $3)', [2, 'again', '0'], '23505');
  await expectError(client, 'select 1', undefined, '25P02');
  await client.query('ROLLBACK');
  r = await client.query('select count(*) as n from node_items');
  assert.equal(Number(r.rows[0].n), 5);
  ok('error inside a transaction, then ROLLBACK');

  // Untyped parameters (OID 0) take the type PostgreSQL infers: a Buffer goes in binary and is a bytea
  // because the column is one; text goes in as the column's type.
  await client.query('create table node_blobs (id int primary key, data bytea, amount numeric(10,2), ok boolean, ' +
    'f double precision, big bigint, note text, born date, at timestamptz)');
  const blob = Buffer.from([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]);
  r = await client.query('insert into node_blobs (id, data, amount, ok, f, big, note) values ($1, $2, $3, $4, $5, $6, $7)',
    [1, blob, '1.01', true, 2.5, '9000000000', 'héllo']);
  assert.equal(r.rowCount, 1);
  r = await client.query('select id, data from node_blobs where data = $1', [blob]);
  assert.equal(r.rows.length, 1, 'the Buffer parameter compares equal to the stored bytea');
  assert.ok(Buffer.isBuffer(r.rows[0].data));
  assert.deepEqual(r.rows[0].data, blob);
  await client.query('update node_blobs set data = $1 where id = $2', [Buffer.alloc(0), 1]);
  r = await client.query('select length(data) as n from node_blobs where id = $1', [1]);
  assert.equal(Number(r.rows[0].n), 0);
  await client.query('update node_blobs set data = $1 where id = $2', [blob, 1]);
  ok('Buffer as an untyped binary parameter (bytea)');

  r = await client.query('select id from node_blobs where amount = $1 and ok = $2 and f = $3 and big = $4 and note = $5',
    ['1.010', 't', '2.5', 9000000000, 'héllo']);
  assert.deepEqual(r.rows, [{ id: 1 }]);
  ok('untyped text parameters compared with columns of their types');

  // Text parameters are read as the inferred type too: bytea's hex form, and the ISO 8601 text node-postgres
  // makes of a JavaScript Date, into a date and a timestamptz.
  const at = new Date(Date.UTC(2021, 4, 6, 7, 8, 9, 120));
  await client.query('insert into node_blobs (id, data, born, at) values ($1, $2, $3, $4)',
    [2, '\\x0a0bff', new Date(2021, 4, 6), at]);
  r = await client.query('select data, born, at from node_blobs where id = $1 and at = $2', [2, at]);
  assert.equal(r.rows.length, 1, 'the Date parameter compares equal to the stored timestamptz');
  assert.deepEqual(r.rows[0].data, Buffer.from([0x0a, 0x0b, 0xff]));
  assert.deepEqual([r.rows[0].born.getFullYear(), r.rows[0].born.getMonth(), r.rows[0].born.getDate()], [2021, 4, 6]);
  assert.equal(r.rows[0].at.getTime(), at.getTime());
  ok('untyped text parameters: bytea hex, Dates into date and timestamptz');

  // Typed results in binary format (node-postgres decodes int, bigint, float8, bool, numeric, text). It reads
  // every field as UTF-8 text before decoding it, so values are chosen whose binary bytes are all below 0x80.
  r = await client.query({ text: 'select id, big, f, ok, amount, note from node_blobs where id = $1', values: [1],
    binary: true });
  const row = r.rows[0];
  assert.equal(row.id, 1);
  assert.equal(String(row.big), '9000000000');
  assert.equal(row.f, 2.5);
  assert.equal(row.ok, true);
  assert.equal(row.amount, 1.01);
  assert.equal(row.note, 'héllo');
  ok('typed results in binary format');

  await client.end();
  ok('end');
}

main().then(
  () => {
    console.log('ALL OK');
    process.exit(0);
  },
  (e) => {
    console.log('FAILED: ' + (e && e.stack ? e.stack : e));
    process.exit(1);
  },
);
