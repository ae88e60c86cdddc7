// The version `arbor --version` prints: the app's package version (the bundle build inlines the JSON, so the
// image prints the same).
import manifest from '../../package.json' with { type: 'json' };

export const ARBOR_VERSION: string = manifest.version;
