// The gateway's JSON API for the viewer, as the gateway itself declares it (one definition for both sides).
export type * from '../../src/ui-api-types.js';
