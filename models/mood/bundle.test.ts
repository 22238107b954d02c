import { expect } from 'chai';
import { createHash } from 'node:crypto';
import {
  builtinArtifacts,
  bundleDigest,
  decodeBundle,
  encodeBundle,
  metadataOf,
  readBundle,
  type ModelBundle,
} from './bundle.js';

describe('model bundles', () => {
  const bundle = readBundle(builtinArtifacts);

  it('round-trips the committed artifacts and names them by the sha256 of the encoded bytes', () => {
    const encoded = encodeBundle(bundle);
    const decoded = decodeBundle(encoded);
    expect(decoded.modelJson.equals(bundle.modelJson)).to.equal(true);
    expect(decoded.weights.equals(bundle.weights)).to.equal(true);
    expect(decoded.metadata.equals(bundle.metadata)).to.equal(true);
    expect(bundleDigest(bundle)).to.equal(`sha256:${createHash('sha256').update(encoded).digest('hex')}`);
  });

  it('gives different bytes a different digest', () => {
    const changed: ModelBundle = { ...bundle, weights: Buffer.from(bundle.weights).fill(0, 0, 4) };
    expect(bundleDigest(changed)).to.not.equal(bundleDigest(bundle));
  });

  it('refuses what is not a whole bundle, saying why', () => {
    const encoded = encodeBundle(bundle);
    expect(() => decodeBundle(Buffer.from('hello world'))).to.throw('not a MetaChat model bundle');
    expect(() => decodeBundle(encoded.subarray(0, encoded.length - 10))).to.throw('truncated');
    expect(() => decodeBundle(Buffer.concat([encoded, Buffer.from('x')]))).to.throw('trailing bytes');
  });

  it('reads the metadata MetaChat relies on, and refuses metadata without it', () => {
    expect(metadataOf(bundle)).to.include({ name: 'metachat-mood', featureCount: 16388 });
    expect(metadataOf(bundle).languages).to.deep.equal(['en', 'ru']);
    const noLanguages = { ...bundle, metadata: Buffer.from('{"name":"x","version":"1","featureCount":1}') };
    expect(() => metadataOf(noLanguages)).to.throw('languages and labels');
    expect(() => metadataOf({ ...bundle, metadata: Buffer.from('[1') })).to.throw(
      'metadata.json is not a JSON object',
    );
  });
});
