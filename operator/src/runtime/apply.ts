import type { KubernetesObjectApi } from '@kubernetes/client-node';
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';

/** Server-side apply of each object, in order, as `fieldManager` (forcing: the operator owns these fields). */
export async function serverSideApply(
  api: KubernetesObjectApi,
  objects: object[],
  fieldManager: string,
): Promise<void> {
  for (const object of objects) {
    await api.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
