import bcrypt from "bcryptjs";

/** argon2id parameters of the security baseline (OWASP minimum): m=19456 KiB, t=2, p=1. */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** The argon2id primitive of the runtime: native under Bun, WebAssembly under workerd. */
export interface Argon2 {
  hash(plain: string): Promise<string>;
  verify(phc: string, plain: string): Promise<boolean>;
}

export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  /** Verifies against an argon2id PHC string or a legacy `$2a/$2b/$2y$` bcrypt hash. */
  verify(stored: string, plain: string): Promise<boolean>;
  /** True for anything that is not argon2id with our parameters (rehash after a good login). */
  needsRehash(stored: string): boolean;
}

const CURRENT = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export function createPasswordHasher(argon2: Argon2): PasswordHasher {
  return {
    hash: (plain) => argon2.hash(plain),
    async verify(stored, plain) {
      if (!stored) return false;
      try {
        if (stored.startsWith("$argon2")) return await argon2.verify(stored, plain);
        if (/^\$2[aby]\$/.test(stored)) return await bcrypt.compare(plain, stored);
      } catch {
        return false;
      }
      return false;
    },
    needsRehash: (stored) => !stored.startsWith(CURRENT),
  };
}
