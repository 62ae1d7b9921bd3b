// The QuickJS engine of task code's sandbox as a compiled WebAssembly module: wrangler turns the
// package's `./wasm` export (a .wasm file) into one, like the argon2 import in worker-modules.d.ts.
declare module "@jitl/quickjs-wasmfile-release-sync/wasm" {
  const module: WebAssembly.Module;
  export default module;
}
