export { discoverFiles, isExcluded } from './discover.js';
export type { DiscoverOptions, DiscoveryResult, IsExcludedOptions, SkippedPath } from './discover.js';
