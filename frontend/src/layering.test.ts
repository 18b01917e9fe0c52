// The frontend's layering, enforced (issue 14, beside the Go arch_test.go):
// views and components show state and run actions through lib/stores; only
// lib/api talks to the generated Wails bindings (frontend/wailsjs); only
// lib/api/events.ts subscribes to Wails events; no `as any` anywhere.
import { describe, expect, it } from 'vitest';

// Every source file's text, keyed './views/X.svelte' (Vite reads them, so
// the test needs no Node types).
const sources: Record<string, string> = import.meta.glob(['./**/*.svelte', './**/*.ts', '!./layering.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** resolve joins a relative import to the importing file's folder ('./a/b.ts' + '../c' = 'c'). */
function resolvePath(fromFile: string, spec: string): string {
  const parts = fromFile.replace(/^\.\//, '').split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  return parts.join('/');
}

/** imports lists every module specifier a file imports or re-exports. */
function imports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2]);
  return out;
}

/** forbidden says why a view or component must not import spec, or '' */
function forbidden(fromFile: string, spec: string): string {
  if (!spec.startsWith('.')) return '';
  if (spec.includes('wailsjs/')) return 'the generated Wails bindings';
  const target = resolvePath(fromFile, spec);
  if (target === 'lib/api' || target.startsWith('lib/api/')) return 'lib/api';
  return '';
}

const inFolder = (...dirs: string[]) => Object.keys(sources).filter((f) => dirs.some((d) => f.startsWith(`./${d}/`)));

describe('frontend layering', () => {
  it('finds the imports it checks', () => {
    expect(imports(`import { a } from '../lib/api';\nimport type { B } from "../lib/api/product";\nexport type * from './x';\nconst m = import('../wailsjs/go/bridge/Home');`)).toEqual([
      '../lib/api',
      '../lib/api/product',
      './x',
      '../wailsjs/go/bridge/Home',
    ]);
    expect(forbidden('./views/X.svelte', '../lib/api/product')).toBe('lib/api');
    expect(forbidden('./views/X.svelte', '../lib/api')).toBe('lib/api');
    expect(forbidden('./lib/components/X.svelte', '../api')).toBe('lib/api');
    expect(forbidden('./lib/components/X.svelte', '../../../wailsjs/runtime/runtime')).toBe('the generated Wails bindings');
    expect(forbidden('./views/X.svelte', '../lib/types')).toBe('');
    expect(forbidden('./views/X.svelte', '../lib/stores/product')).toBe('');
    expect(forbidden('./views/X.svelte', '../lib/apiary')).toBe('');
    expect(Object.keys(sources)).toContain('./views/Product.svelte');
  });

  it('views and components import neither lib/api nor the bindings (types come from lib/types, calls from lib/stores)', () => {
    const bad: string[] = [];
    for (const f of inFolder('views', 'lib/components')) {
      for (const spec of imports(sources[f])) {
        const why = forbidden(f, spec);
        if (why) bad.push(`${f} imports ${spec} (${why}): call it through lib/stores, take its types from lib/types`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('only lib/api imports the generated bindings, and only lib/api/events.ts the Wails runtime', () => {
    const bad: string[] = [];
    for (const [r, text] of Object.entries(sources)) {
      for (const spec of imports(text)) {
        if (!spec.includes('wailsjs/')) continue;
        if (spec.includes('wailsjs/runtime') && r !== './lib/api/events.ts') bad.push(`${r} imports ${spec}: subscribe through lib/stores/events.ts`);
        else if (!r.startsWith('./lib/api/') && r !== './lib/constants.ts') bad.push(`${r} imports ${spec}: only lib/api uses the bindings`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no `as any` in the source', () => {
    const bad = Object.keys(sources).filter((f) => /\bas\s+any\b/.test(sources[f]));
    expect(bad).toEqual([]);
  });
});
