import { expect } from 'chai';
import type { Router } from 'express';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { apiRoutes, type RouteDeps } from './routes.js';

/** Every (METHOD, /path) the router serves, with :params written as OpenAPI {params}. */
function servedRoutes(router: Router): string[] {
  const routes: string[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const layers = (stack: Layer[]): Layer[] =>
    stack.flatMap((layer) => (layer.handle?.stack ? layers(layer.handle.stack) : [layer]));
  for (const layer of layers(router.stack as Layer[])) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
  }
  return routes.sort();
}

describe('OpenAPI document', () => {
  it('documents exactly the routes the gateway serves', () => {
    const router = apiRoutes({ limiter: new RateLimiter(undefined, {}) } as RouteDeps);
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).to.deep.equal(servedRoutes(router));
    expect(documented.length).to.be.at.least(20);
  });

  it('declares a path parameter for every {placeholder}', () => {
    for (const [path, methods] of Object.entries(openApiDocument.paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const operation of Object.values(methods) as { parameters?: { name: string; in: string }[] }[]) {
        const declared = (operation.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(declared, path).to.deep.equal(placeholders);
      }
    }
  });
});
