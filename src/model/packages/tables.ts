/**
 * Facts about Python distributions that Modal apps commonly install: the top-level modules each
 * one provides when its import name differs from its distribution name, and what it installs with
 * it (per extra). Names are normalised as PEP 503 does (`normalizeDistributionName`).
 *
 * `requires` lists direct dependencies; the closure is computed by `installedDistributions`.
 * Key `''` holds the base requirements, other keys the extras. A distribution present here with
 * `requires` is *known*: its closure can be computed. One absent, or without `requires`, is
 * unknown, which makes an image's contents unknown for imports nothing else explains.
 */
export interface DistributionFacts {
  /** Top-level import names; omitted when the import name is the normalised name with `-` as `_`. */
  imports?: readonly string[];
  /** Direct dependencies by extra (`''` for the base set), as distribution names (extras allowed: `uvicorn[standard]`). */
  requires?: Readonly<Record<string, readonly string[]>>;
  /** Where the facts come from (a lock file or published metadata). */
  source?: string;
}

export const DISTRIBUTIONS: Readonly<Record<string, DistributionFacts>> = {
  numpy: { requires: { '': [] }, source: 'PyPI metadata (numpy 2.x): no dependencies' },
  pandas: { requires: { '': ['numpy', 'python-dateutil', 'pytz', 'tzdata'] }, source: 'PyPI metadata (pandas 2.2)' },
  'python-dateutil': { imports: ['dateutil'], requires: { '': ['six'] }, source: 'PyPI metadata' },
  six: { requires: { '': [] }, source: 'PyPI metadata' },
  pytz: { requires: { '': [] }, source: 'PyPI metadata' },
  tzdata: { requires: { '': [] }, source: 'PyPI metadata' },
  pillow: { imports: ['PIL'], requires: { '': [] }, source: 'PyPI metadata' },
  pyyaml: { imports: ['yaml'], requires: { '': [] }, source: 'PyPI metadata' },
};

/**
 * Distributions Modal's image builder installs into every image, by image builder version
 * (modal-client `py/modal/builder/<version>.txt`).
 */
export const BUILDER_REQUIREMENTS: Readonly<Record<string, readonly string[]>> = {
  '2025.06': [
    'aiohappyeyeballs', 'aiohttp', 'aiosignal', 'attrs', 'cbor2', 'certifi', 'frozenlist', 'grpclib', 'h2', 'hpack',
    'hyperframe', 'idna', 'multidict', 'propcache', 'protobuf', 'typing-extensions', 'yarl',
  ],
};

export const NEWEST_BUILDER_VERSION = '2025.06';
