// Reference implementations for cross-checking daobot's Python: npm `siwe` and `ethers`.
// Reads a JSON array of requests on stdin, writes a JSON array of answers on stdout.
// Run with NODE_PATH=contracts/node_modules (the tests do it).
"use strict";
const { SiweMessage } = require("siwe");
const { Wallet, TypedDataEncoder, verifyTypedData } = require("ethers");

function fields(msg) {
  const keys = ["scheme", "domain", "address", "statement", "uri", "version", "chainId", "nonce",
    "issuedAt", "expirationTime", "notBefore", "requestId", "resources"];
  return Object.fromEntries(keys.map((k) => [k, msg[k] === undefined ? null : msg[k]]));
}

async function siweVerify(req) {
  try {
    const msg = new SiweMessage(req.message);
    const result = await msg.verify(
      { signature: req.signature, domain: req.domain, nonce: req.nonce, time: req.time },
      { suppressExceptions: true });
    return { parsed: fields(msg), success: result.success,
      error: result.error ? String(result.error.type || result.error) : null,
      rebuilt: msg.prepareMessage() };
  } catch (e) {
    return { parseError: String(e.message || e) };
  }
}

async function siweBuild(req) {
  const wallet = new Wallet(req.privateKey);
  const msg = new SiweMessage({ ...req.fields, address: wallet.address });
  const message = msg.prepareMessage();
  return { message, signature: await wallet.signMessage(message), address: wallet.address };
}

async function typedData(req) {
  const { EIP712Domain, ...types } = req.payload.types;
  const { domain, message } = req.payload;
  const out = { digest: TypedDataEncoder.hash(domain, types, message) };
  if (req.privateKey) out.signature = await new Wallet(req.privateKey).signTypedData(domain, types, message);
  if (req.signature) out.recovered = verifyTypedData(domain, types, message, req.signature);
  return out;
}

const handlers = { siweVerify, siweBuild, typedData };

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const answers = [];
  for (const req of JSON.parse(input)) answers.push(await handlers[req.op](req));
  process.stdout.write(JSON.stringify(answers));
}

main().catch((e) => { console.error(e); process.exit(1); });
