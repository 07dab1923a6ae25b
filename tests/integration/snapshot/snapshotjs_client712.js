// Signs messages with snapshot.js's own Client712 and reports the exact body it posts.
//
// stdin: JSON array of {method: "vote" | "proposal", privateKey, message}.
// stdout: JSON array of {body, ethers6Sig, hash} — `body` is the raw request body Client712 sent to
// the sequencer (captured by a local HTTP server standing in for seq.snapshot.org), and
// `ethers6Sig` is ethers 6's signTypedData over the same data, as a second opinion, and `hash`
// is snapshot.utils.getHash(data), the id the sequencer gives the message.
'use strict';

const http = require('http');
const snapshot = require('@snapshot-labs/snapshot.js');
const { Wallet: Wallet5 } = require('@ethersproject/wallet');
const { Wallet: Wallet6 } = require('ethers');

function captureServer() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'captured', ipfs: 'captured' }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, bodies }));
  });
}

async function readStdin() {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

async function main() {
  const cases = await readStdin();
  const { server, bodies } = await captureServer();
  const url = `http://127.0.0.1:${server.address().port}/`;
  const client = new snapshot.Client712(url);
  const results = [];
  for (const c of cases) {
    const wallet = new Wallet5(c.privateKey);
    await client[c.method](wallet, wallet.address, c.message);
    const body = bodies[bodies.length - 1];
    const { data } = JSON.parse(body);
    const ethers6Sig = await new Wallet6(c.privateKey).signTypedData(data.domain, data.types, data.message);
    results.push({ body, ethers6Sig, hash: snapshot.utils.getHash(data) });
  }
  server.close();
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
