/** Telling credentials from ordinary configuration values in string literals. */

/**
 * Token formats whose prefix alone says what they are; matched against whole words of the value.
 * `random` tokens draw from upper- and lowercase letters and digits, so a real one shows all three.
 */
const KNOWN_TOKENS: ReadonlyArray<{ kind: string; pattern: RegExp; random?: boolean }> = [
  { kind: 'OpenAI or Anthropic API key', pattern: /^sk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}$/, random: true },
  { kind: 'Stripe secret key', pattern: /^[sr]k_(?:live|test)_[A-Za-z0-9]{16,}$/, random: true },
  { kind: 'Hugging Face token', pattern: /^hf_[A-Za-z0-9]{30,}$/, random: true },
  { kind: 'GitHub token', pattern: /^(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})$/, random: true },
  { kind: 'Slack token', pattern: /^xox[abposr]-[A-Za-z0-9-]{10,}$/ },
  { kind: 'AWS access key ID', pattern: /^(?:AKIA|ASIA)[A-Z0-9]{16}$/ },
  { kind: 'Google API key', pattern: /^AIza[A-Za-z0-9_-]{35}$/, random: true },
  { kind: 'GitLab token', pattern: /^glpat-[A-Za-z0-9_-]{20,}$/, random: true },
  { kind: 'Shopify token', pattern: /^shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}$/ },
  { kind: 'Replicate token', pattern: /^r8_[A-Za-z0-9]{37}$/, random: true },
  { kind: 'Groq API key', pattern: /^gsk_[A-Za-z0-9]{40,}$/, random: true },
  { kind: 'npm token', pattern: /^npm_[A-Za-z0-9]{36}$/, random: true },
  { kind: 'PyPI token', pattern: /^pypi-AgE[A-Za-z0-9_-]{50,}$/, random: true },
  { kind: 'SendGrid API key', pattern: /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, random: true },
];
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** Words in a variable name that say its value is secret. */
const SECRET_NAME_WORDS = new Set(['TOKEN', 'KEY', 'APIKEY', 'PASS', 'PWD', 'AUTH', 'APITOKEN', 'AUTHTOKEN', 'ACCESSKEY', 'PRIVATEKEY']);
/** Parts that say so even inside a longer word (`PGPASSWORD`, `CLIENTSECRET`). */
const SECRET_NAME_PARTS = /PASSWORD|PASSWD|SECRET|CREDENTIAL/;
/** Words that make a key-like name public: `STRIPE_PUBLISHABLE_KEY`, `SSH_PUBLIC_KEY`. */
const PUBLIC_NAME_WORDS = new Set(['PUBLIC', 'PUBLISHABLE', 'PUB']);

/** Example and template values: `<your-key>`, `sk-...`, `changeme`, `${TOKEN}`, `{}`. */
const PLACEHOLDER = /your|change[-_ ]?me|replace|placeholder|example|dummy|fake|redacted|insert|todo|fixme|xxxx|\.\.\.|[<>]|\*\*\*|\$\{|\{\{|\{\w*\}|%s/i;
const NOT_SECRET_SHAPES = [
  /:\/\//, // URL
  /^(?:\/|\.\.?\/|~)/, // path
  /^[\w.-]+\/[\w.-]+$/, // model or repository id: `meta-llama/Llama-3-8B`
  /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$/i, // hostname
  /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i, // e-mail address
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUID: more often a project or workspace id
];

export const MIN_GENERIC_LENGTH = 20;
export const MIN_GENERIC_ENTROPY = 3.5;
const MIN_RANDOM_RUN = 16;

/** Shannon entropy of a string, in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let entropy = 0;
  for (const count of counts.values()) entropy -= (count / length) * Math.log2(count / length);
  return entropy;
}

/** True when a variable name says its value is a secret (`OPENAI_API_KEY`, `dbPassword`), and not a public key. */
export function isSecretName(name: string): boolean {
  const words = name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).map((word) => word.toUpperCase());
  const secret = words.some((word) => SECRET_NAME_WORDS.has(word) || SECRET_NAME_PARTS.test(word));
  return secret && !words.some((word) => PUBLIC_NAME_WORDS.has(word));
}

/** How many of lowercase letters, uppercase letters and digits a string mixes. */
function characterClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(text)).length;
}

/**
 * What kind of credential a literal value looks like, or `null`:
 * a known token format anywhere in the value (`Bearer hf_...`), a private key block, or, under a
 * secret-sounding name, a long random-looking string (at least 20 characters and 3.5 bits of entropy
 * per character, mixing letters and digits, an unbroken run of 16 or more characters between `-_./:`, no spaces,
 * not a URL, path, model id, hostname or UUID).
 * Placeholders (`<your-key>`, `sk-...`, `changeme`, templates) never count.
 */
export function credentialKind(name: string | null, value: string): string | null {
  if (PLACEHOLDER.test(value)) return null;
  if (PRIVATE_KEY.test(value) && /[A-Za-z0-9+/=]{40,}/.test(value)) return 'private key';
  for (const word of value.split(/\s+/)) {
    const known = KNOWN_TOKENS.find((token) => token.pattern.test(word));
    // `sk-learn-extension-2024` has the shape but not the randomness of a key.
    if (known && characterClasses(word.replace(/^[a-z]+[-_]/, '')) >= (known.random ? 3 : 2)) return known.kind;
  }
  if (name === null || !isSecretName(name)) return null;
  if (value.length < MIN_GENERIC_LENGTH || /\s/.test(value) || NOT_SECRET_SHAPES.some((shape) => shape.test(value))) return null;
  // Random tokens have a long unbroken run; slugs such as `v1-embeddings-all-MiniLM-L6-v2` do not.
  const longestRun = Math.max(...value.split(/[-_./:]/).map((part) => part.length));
  if (longestRun < MIN_RANDOM_RUN) return null;
  return characterClasses(value) >= 2 && shannonEntropy(value) >= MIN_GENERIC_ENTROPY ? 'high-entropy secret' : null;
}
