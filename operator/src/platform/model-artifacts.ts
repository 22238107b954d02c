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

/** Why a MoodModel's artifacts cannot be used; `reason` becomes the Degraded condition's reason. */
export class ArtifactProblem extends Error {
  constructor(
    readonly reason: 'ArtifactsNotFound' | 'FetchFailed' | 'DigestMismatch' | 'InvalidModel',
    message: string,
  ) {
    super(message);
  }
}

/** The largest bundle fetched over HTTP. */
const maxBundleBytes = 64 * 1024 * 1024;
const fetchTimeoutMs = 30_000;

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
): Promise<ModelBundle> {
  try {
    if (source.configMap) return await fromConfigMap(core, namespace, source.configMap.name);
    const { http } = source;
    if (http) return await once(`sha256:${http.sha256}`, () => fromHttp(http.url, http.sha256));
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

async function fromHttp(url: string, sha256: string): Promise<ModelBundle> {
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBundleBytes)
      throw new Error(`larger than ${maxBundleBytes} bytes`);
    bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBundleBytes) throw new Error(`larger than ${maxBundleBytes} bytes`);
  } catch (err) {
    throw new ArtifactProblem('FetchFailed', `GET ${url}: ${(err as Error).message}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new ArtifactProblem('DigestMismatch', `${url} has sha256 ${actual}, the spec says ${sha256}`);
  return decodeBundle(bytes);
}
