// A model bundle: the three artifact files as one byte string, named by its
// sha256. The operator publishes bundles and the mood service loads them; the
// digest is what a MoodModel's status and an HTTP source's `sha256` give.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The model shipped with the code (`make model` writes it). */
export const builtinArtifacts = new URL('./artifacts/', import.meta.url);

export interface ModelBundle {
  modelJson: Buffer;
  weights: Buffer;
  metadata: Buffer;
}

export interface ModelMetadata {
  name: string;
  version: string;
  featureCount: number;
  languages: string[];
  labels: string[];
  evaluation: unknown;
  /** Words of the bag-of-words input, in column order (models with word vectors). */
  vocabulary?: string[];
}

export class InvalidBundle extends Error {
  override name = 'InvalidModel';
}

const magic = Buffer.from('MCMODEL1');

/** magic, then each file as a 4-byte big-endian length and its bytes. */
export function encodeBundle(bundle: ModelBundle): Buffer {
  const parts: Buffer[] = [magic];
  for (const file of [bundle.modelJson, bundle.weights, bundle.metadata]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(file.length);
    parts.push(length, file);
  }
  return Buffer.concat(parts);
}

export function decodeBundle(bytes: Uint8Array): ModelBundle {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, magic.length).equals(magic)) throw new InvalidBundle('not a MetaChat model bundle');
  const files: Buffer[] = [];
  let at = magic.length;
  for (let i = 0; i < 3; i++) {
    if (at + 4 > buffer.length) throw new InvalidBundle('model bundle is truncated');
    const length = buffer.readUInt32BE(at);
    at += 4;
    if (at + length > buffer.length) throw new InvalidBundle('model bundle is truncated');
    files.push(buffer.subarray(at, at + length));
    at += length;
  }
  if (at !== buffer.length) throw new InvalidBundle('model bundle has trailing bytes');
  const [modelJson, weights, metadata] = files as [Buffer, Buffer, Buffer];
  return { modelJson, weights, metadata };
}

/** `sha256:<hex>` of the encoded bundle (the same bytes an HTTP source serves). */
export function bundleDigest(bundle: ModelBundle): string {
  return `sha256:${createHash('sha256').update(encodeBundle(bundle)).digest('hex')}`;
}

/** The bundle of an artifacts directory as `make model` writes it. */
export function readBundle(dir: URL): ModelBundle {
  const modelJson = readFileSync(new URL('model.json', dir));
  return {
    modelJson,
    weights: readFileSync(new URL(weightsFileOf(modelJson), dir)),
    metadata: readFileSync(new URL('metadata.json', dir)),
  };
}

/** The weights file model.json names (one shard: the models here are small). */
export function weightsFileOf(modelJson: Buffer): string {
  const path = parseJson<{ weightsManifest?: { paths?: string[] }[] }>(modelJson, 'model.json')
    .weightsManifest?.[0]?.paths?.[0];
  if (typeof path !== 'string' || !/^[\w.-]+$/.test(path))
    throw new InvalidBundle('model.json names no weights file');
  return path;
}

/** The metadata, checked for the fields MetaChat relies on. */
export function metadataOf(bundle: ModelBundle): ModelMetadata {
  const m = parseJson<Partial<ModelMetadata>>(bundle.metadata, 'metadata.json');
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (typeof m.name !== 'string' || typeof m.version !== 'string' || typeof m.featureCount !== 'number')
    throw new InvalidBundle('metadata.json needs name, version and featureCount');
  if (!strings(m.languages) || !strings(m.labels))
    throw new InvalidBundle('metadata.json needs languages and labels (lists of strings)');
  if (m.vocabulary !== undefined && !strings(m.vocabulary))
    throw new InvalidBundle('metadata.json vocabulary must be a list of words');
  return m as ModelMetadata;
}

function parseJson<T>(bytes: Buffer, file: string): T {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as T;
  } catch (err) {
    throw new InvalidBundle(`${file} is not a JSON object: ${(err as Error).message}`);
  }
}
