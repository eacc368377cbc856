// Loaded when a password is first hashed or checked: API-only deployments never need it.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const lib = () => (argon2 ??= import('@node-rs/argon2'));
const hash = async (password: string) => (await lib()).hash(password);
const verify = async (stored: string, password: string) => (await lib()).verify(stored, password);

// The library's defaults are argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash; with no hash (unknown account) it checks a decoy
 * instead, so that an answer takes as long whether the account exists or not.
 */
export async function passwordMatches(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    decoy ??= hash('decoy password that matches nothing');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
