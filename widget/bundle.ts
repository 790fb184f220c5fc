// The single-file bundle's entry: everything in index.ts, with the elements registered.
export * from './index.js';
import './define.js';
