// The protocol shared by widget and hub: frame types, schemas, limits and the codec.
export * from './limits.js';
export * from './errors.js';
export * from './primitives.js';
export * from './frames.js';
export * from './inbox.js';
export * from './timeline.js';
export * from './codec.js';
export * from './attachments.js';
export * from './permissions.js';
