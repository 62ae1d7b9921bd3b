import { hash, verify } from "@node-rs/argon2";
import { ARGON2_PARAMS, type Argon2 } from "./password";

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, so not importable here). */
const ARGON2ID = 2;

/** argon2id through @node-rs/argon2 (native addon): Bun and Node only, not workerd. */
export const nativeArgon2: Argon2 = {
  hash: (plain) => hash(plain, { algorithm: ARGON2ID, ...ARGON2_PARAMS }),
  verify: (phc, plain) => verify(phc, plain),
};
