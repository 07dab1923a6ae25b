#!/usr/bin/env node
// Compile contracts/src with the pinned solc-js (standard JSON) and write one artifact per deployable contract
// to contracts/build/<Name>.json and, as Python package data, governance/adapters/chain/artifacts/<Name>.json.
//
// sourceHash = sha256 over every source that went into the compilation, in sorted order of its source name,
// each contributing "<name>\n<sha256 hex of its bytes>\n". Python recomputes it to detect stale artifacts.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const solc = require('solc');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const OUT_DIRS = [path.join(ROOT, 'build'), path.join(ROOT, '..', 'governance', 'adapters', 'chain', 'artifacts')];
// Contracts imported (not defined) in src/ that the suite deploys as they are.
const IMPORTED = { TimelockController: '@openzeppelin/contracts/governance/TimelockController.sol' };
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  viaIR: false,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function resolveSource(name) {
  if (name.startsWith('src/')) return path.join(ROOT, name);
  if (name.startsWith('@openzeppelin/')) return path.join(NODE_MODULES, name);
  return null;
}

const loaded = new Map();

function readSource(name) {
  const file = resolveSource(name);
  if (file === null || !fs.existsSync(file)) return null;
  const bytes = fs.readFileSync(file);
  loaded.set(name, bytes);
  return bytes.toString('utf8');
}

function findImports(name) {
  const contents = readSource(name);
  return contents === null ? { error: `source not found: ${name}` } : { contents };
}

function sourceHash(names) {
  const h = crypto.createHash('sha256');
  for (const name of [...names].sort()) {
    h.update(`${name}\n${crypto.createHash('sha256').update(loaded.get(name)).digest('hex')}\n`);
  }
  return h.digest('hex');
}

function compile() {
  const sources = {};
  for (const file of fs.readdirSync(SRC).filter((f) => f.endsWith('.sol')).sort()) {
    sources[`src/${file}`] = { content: readSource(`src/${file}`) };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  // Warnings inside the pinned library are not ours to fix; show our own and every error.
  const shown = (output.errors || []).filter((e) => e.severity === 'error' || !e.sourceLocation?.file?.startsWith('@'));
  for (const e of shown) console.error(e.formattedMessage);
  if (errors.length > 0) process.exit(1);
  return { sources, output };
}

function selected(sources, output) {
  const picks = [];
  for (const sourceName of Object.keys(sources)) {
    for (const [name, c] of Object.entries(output.contracts[sourceName] || {})) {
      if (c.evm.bytecode.object.length > 0) picks.push([sourceName, name]);
    }
  }
  for (const [name, sourceName] of Object.entries(IMPORTED)) picks.push([sourceName, name]);
  return picks;
}

function main() {
  const { sources, output } = compile();
  const names = Object.keys(output.sources).sort();
  const hash = sourceHash(names);
  for (const dir of OUT_DIRS) fs.mkdirSync(dir, { recursive: true });
  for (const [sourceName, name] of selected(sources, output)) {
    const c = output.contracts[sourceName][name];
    const artifact = {
      contractName: name,
      sourceName,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      compiler: { name: 'solc', version: solc.version(), settings: SETTINGS },
      sourceHash: hash,
      sources: names,
    };
    const text = JSON.stringify(artifact, null, 2) + '\n';
    for (const dir of OUT_DIRS) fs.writeFileSync(path.join(dir, `${name}.json`), text);
    console.log(`${name}: ${(c.evm.deployedBytecode.object.length / 2)} bytes deployed`);
  }
  console.log(`sourceHash ${hash} over ${names.length} sources`);
}

main();
