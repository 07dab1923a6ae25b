// Reference side of the Merkle tests: OpenZeppelin's own @openzeppelin/merkle-tree.
// stdin: {"mode": "build", "values": [[address, amount], ...], "multi": [i, ...]}
//     or {"mode": "load", "dump": <standard-v1 JSON>, "multi": [i, ...]}
// stdout: {"dump": ..., "root": ..., "proofs": [[...], ...], "verified": bool, "multi": {...}, "multiVerified": bool}
'use strict';

const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const tree = input.mode === 'build'
  ? StandardMerkleTree.of(input.values, ['address', 'uint256'])
  : StandardMerkleTree.load(input.dump);
const proofs = [];
let verified = true;
for (const [i, value] of tree.entries()) {
  const proof = tree.getProof(i);
  proofs.push(proof);
  verified = verified && StandardMerkleTree.verify(tree.root, ['address', 'uint256'], value, proof);
}
const multi = tree.getMultiProof(input.multi);
const multiVerified = StandardMerkleTree.verifyMultiProof(tree.root, ['address', 'uint256'], multi);
process.stdout.write(JSON.stringify({ dump: tree.dump(), root: tree.root, proofs, verified, multi, multiVerified }));
