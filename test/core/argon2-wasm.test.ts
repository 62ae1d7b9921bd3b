import { describe, expect, test } from "bun:test";
import userSeed from "@db/seed/sys_user.json";
import { hash as nativeHash, verify as nativeVerify } from "@node-rs/argon2";
import { nativeArgon2 } from "@/core/auth/argon2-native";
import { createWasmArgon2 } from "@/core/auth/argon2-wasm";
import { ARGON2_PARAMS, createPasswordHasher } from "@/core/auth/password";

// What the Worker's `.wasm` import yields, compiled here from the same file.
const wasmFile = Bun.resolveSync("@phi-ag/argon2/argon2.wasm", import.meta.dir);
const wasm = createWasmArgon2(new WebAssembly.Module(await Bun.file(wasmFile).arrayBuffer()));

// Non-ASCII passwords are where a UTF-16 length passed as a byte count goes wrong.
const PASSWORDS = ["123456", "correct horse battery staple", "密码是安全的Pässwörd🔑", ""];

describe("argon2id in WebAssembly (the Worker's hasher)", () => {
  test("writes argon2id PHC strings with the baseline parameters", async () => {
    const phc = await wasm.hash("123456");
    expect(phc).toStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
    expect(createPasswordHasher(wasm).needsRehash(phc)).toBe(false);
  });

  for (const password of PASSWORDS) {
    test(`hashes interchange with the native addon: ${JSON.stringify(password)}`, async () => {
      const fromWasm = await wasm.hash(password);
      expect(await nativeVerify(fromWasm, password)).toBe(true);
      expect(await nativeVerify(fromWasm, `${password}x`)).toBe(false);

      const fromNative = await nativeHash(password, { algorithm: 2, ...ARGON2_PARAMS });
      expect(await wasm.verify(fromNative, password)).toBe(true);
      expect(await wasm.verify(fromNative, `${password}x`)).toBe(false);
    });
  }

  test("a wrong password is false; a malformed hash throws and the hasher turns that into false", async () => {
    const phc = await nativeArgon2.hash("123456");
    expect(await wasm.verify(phc, "1234567")).toBe(false);
    await expect(wasm.verify("$argon2id$v=19$m=19456,t=2,p=1$broken", "x")).rejects.toThrow(/argon2/);
    expect(await createPasswordHasher(wasm).verify("$argon2id$v=19$m=19456,t=2,p=1$broken", "x")).toBe(false);
    // Only argon2id is accepted, whatever else the string claims to be.
    expect(await wasm.verify(phc.replace("$argon2id$", "$argon2i$"), "123456")).toBe(false);
  });

  test("the hasher built on it still verifies the seed's legacy bcrypt hashes", async () => {
    const seeded = userSeed.find((u) => u.username === "admin")!.password;
    const hasher = createPasswordHasher(wasm);
    expect(seeded).toStartWith("$2b$12$");
    expect(await hasher.verify(seeded, "123456")).toBe(true);
    expect(hasher.needsRehash(seeded)).toBe(true);
  });
});
