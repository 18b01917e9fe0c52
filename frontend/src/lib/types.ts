// The types views and components use: the bridge's DTOs as lib/api defines
// them from the generated models. Views import types from here and call
// through lib/stores, never lib/api or the bindings (layering.test.ts).
export type * from './api';
export type * from './api/product';
export type * from './api/mail';
export type * from './api/assist';
export type * from './api/sync';
export type * from './api/welcome';
export type { Signal, Impact } from './constants';
