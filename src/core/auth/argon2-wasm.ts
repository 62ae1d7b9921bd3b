import { ARGON2_PARAMS, type Argon2 } from "./password";

/*
 * argon2id in WebAssembly, for runtimes without native addons (workerd). The compiled reference
 * implementation comes from @phi-ag/argon2 (its `argon2.wasm`), but we call the C API ourselves:
 * that package's JS wrapper passes `password.length` (UTF-16 units) as the byte length, so any
 * non-ASCII password is hashed by its first bytes only — and would not verify under
 * @node-rs/argon2. Here lengths are UTF-8 bytes, so hashes interchange with the Bun server's.
 */

interface Argon2Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  argon2_encodedlen(t: number, m: number, p: number, saltLen: number, hashLen: number, type: number): number;
  argon2_hash(
    t: number,
    m: number,
    p: number,
    pwd: number,
    pwdLen: number,
    salt: number,
    saltLen: number,
    hash: number,
    hashLen: number,
    encoded: number,
    encodedLen: number,
    type: number,
    version: number,
  ): number;
  argon2_verify(encoded: number, pwd: number, pwdLen: number, type: number): number;
  argon2_error_message(code: number): number;
}

const ARGON2ID = 2;
const VERSION_13 = 0x13;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** ARGON2_VERIFY_MISMATCH of the reference implementation: a wrong password, not a failure. */
const VERIFY_MISMATCH = -35;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * An `Argon2` over a compiled `argon2.wasm` module (on Workers: the module a `.wasm` import
 * yields; elsewhere `new WebAssembly.Module(bytes)`). Instantiated on first use, not at import:
 * Workers forbid that kind of work in global scope and most isolates never hash.
 */
export function createWasmArgon2(module: WebAssembly.Module): Argon2 {
  let instance: Promise<Argon2Exports> | undefined;
  const load = () => {
    instance ??= WebAssembly.instantiate(module, {}).then((inst) => {
      const exports = inst.exports as unknown as Argon2Exports;
      exports._initialize();
      return exports;
    });
    return instance;
  };

  /** Runs `fn` with `chunks` copied into wasm memory (NUL-terminated), freeing them after. */
  function withBuffers<T>(wasm: Argon2Exports, chunks: Uint8Array[], fn: (ptrs: number[]) => T): T {
    const ptrs: number[] = [];
    try {
      for (const chunk of chunks) {
        const ptr = wasm.malloc(chunk.length + 1);
        if (ptr === 0) throw new Error("argon2: out of WebAssembly memory");
        ptrs.push(ptr);
        // Memory may have grown (a new buffer) during malloc: take the view afterwards.
        const heap = new Uint8Array(wasm.memory.buffer);
        heap.set(chunk, ptr);
        heap[ptr + chunk.length] = 0;
      }
      return fn(ptrs);
    } finally {
      for (const ptr of ptrs) wasm.free(ptr);
    }
  }

  const errorText = (wasm: Argon2Exports, code: number) => {
    const heap = new Uint8Array(wasm.memory.buffer);
    const start = wasm.argon2_error_message(code);
    let end = start;
    while (heap[end] !== 0) end++;
    return decoder.decode(heap.subarray(start, end));
  };

  return {
    async hash(plain) {
      const wasm = await load();
      const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_PARAMS;
      const password = encoder.encode(plain);
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const encodedLen = wasm.argon2_encodedlen(t, m, p, SALT_BYTES, HASH_BYTES, ARGON2ID);
      return withBuffers(
        wasm,
        [password, salt, new Uint8Array(HASH_BYTES), new Uint8Array(encodedLen)],
        ([pwd, saltPtr, hashPtr, encodedPtr]) => {
          const code = wasm.argon2_hash(
            t,
            m,
            p,
            pwd,
            password.length,
            saltPtr,
            SALT_BYTES,
            hashPtr,
            HASH_BYTES,
            encodedPtr,
            encodedLen,
            ARGON2ID,
            VERSION_13,
          );
          if (code !== 0) throw new Error(`argon2: ${errorText(wasm, code)}`);
          const heap = new Uint8Array(wasm.memory.buffer);
          let end = encodedPtr;
          while (heap[end] !== 0) end++;
          return decoder.decode(heap.subarray(encodedPtr, end));
        },
      );
    },

    async verify(phc, plain) {
      // Only argon2id is ever written; the type in the string must agree with what we verify as.
      if (!phc.startsWith("$argon2id$")) return false;
      const wasm = await load();
      const password = encoder.encode(plain);
      return withBuffers(wasm, [encoder.encode(phc), password], ([encodedPtr, pwd]) => {
        const code = wasm.argon2_verify(encodedPtr, pwd, password.length, ARGON2ID);
        if (code === 0) return true;
        if (code === VERIFY_MISMATCH) return false;
        throw new Error(`argon2: ${errorText(wasm, code)}`);
      });
    },
  };
}
