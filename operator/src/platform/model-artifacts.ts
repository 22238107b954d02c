import type { CoreV1Api } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import {
  builtinArtifacts,
  decodeBundle,
  InvalidBundle,
  readBundle,
  weightsFileOf,
  type ModelBundle,
} from '../../../models/mood/bundle.js';
import type { MoodModelSpec } from '../api/moodmodel.js';
import { notFound } from '../runtime/resource.js';
import { fetchBounded, FetchRefused, type FetchPolicy } from './model-fetch.js';

/** Why a MoodModel's artifacts cannot be used; `reason` becomes the Degraded condition's reason. */
export class ArtifactProblem extends Error {
  constructor(
    readonly reason: 'ArtifactsNotFound' | 'FetchFailed' | 'DigestMismatch' | 'InvalidModel',
    message: string,
  ) {
    super(message);
  }
}

/** How bundles are downloaded by default: the operator's settings may allow networks. */
export const defaultFetchPolicy: FetchPolicy = {
  allowedNetworks: [],
  maxBytes: 64 * 1024 * 1024,
  timeoutMs: 30_000,
};

/**
 * Bundles whose bytes cannot change, kept so that a reconcile (every minute)
 * does not read or download them again: the built-in one, and HTTP bundles
 * by the sha256 their spec pins. A ConfigMap can change, so it is read each time.
 */
const immutable = new Map<string, ModelBundle>();
const keptBundles = 8;

async function once(key: string, load: () => Promise<ModelBundle> | ModelBundle): Promise<ModelBundle> {
  const kept = immutable.get(key);
  if (kept) return kept;
  const bundle = await load();
  immutable.set(key, bundle);
  if (immutable.size > keptBundles) immutable.delete(immutable.keys().next().value!);
  return bundle;
}

/** The model bundle a MoodModel's source names, checked (digest, format). */
export async function fetchBundle(
  core: CoreV1Api,
  namespace: string,
  source: MoodModelSpec['source'],
  policy: FetchPolicy = defaultFetchPolicy,
): Promise<ModelBundle> {
  try {
    if (source.configMap) return await fromConfigMap(core, namespace, source.configMap.name);
    const { http } = source;
    if (http) return await once(`sha256:${http.sha256}`, () => fromHttp(http.url, http.sha256, policy));
    return await once('builtin', () => readBundle(builtinArtifacts));
  } catch (err) {
    if (err instanceof InvalidBundle) throw new ArtifactProblem('InvalidModel', err.message);
    throw err;
  }
}

async function fromConfigMap(core: CoreV1Api, namespace: string, name: string): Promise<ModelBundle> {
  const configMap = await core.readNamespacedConfigMap({ name, namespace }).catch((err: unknown) => {
    if (notFound(err))
      throw new ArtifactProblem('ArtifactsNotFound', `ConfigMap ${name} not found in ${namespace}`);
    throw err;
  });
  const file = (key: string): Buffer => {
    const text = configMap.data?.[key];
    if (text !== undefined) return Buffer.from(text, 'utf8');
    const binary = configMap.binaryData?.[key];
    if (binary !== undefined) return Buffer.from(binary, 'base64');
    throw new ArtifactProblem('InvalidModel', `ConfigMap ${name} has no key ${key}`);
  };
  const modelJson = file('model.json');
  return { modelJson, weights: file(weightsFileOf(modelJson)), metadata: file('metadata.json') };
}

async function fromHttp(url: string, sha256: string, policy: FetchPolicy): Promise<ModelBundle> {
  let bytes: Buffer;
  try {
    bytes = await fetchBounded(url, policy);
  } catch (err) {
    if (!(err instanceof FetchRefused)) throw err;
    throw new ArtifactProblem('FetchFailed', `GET ${url}: ${err.message}`);
  }
  // The digest of what came back is not shown: it would tell what an address serves.
  if (createHash('sha256').update(bytes).digest('hex') !== sha256)
    throw new ArtifactProblem('DigestMismatch', `${url} does not have the sha256 the spec gives`);
  return decodeBundle(bytes);
}
