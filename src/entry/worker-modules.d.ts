// Modules that only exist in the Worker build: wrangler turns these imports into a compiled
// WebAssembly module and text modules (see [[rules]] in wrangler.toml).

declare module "@phi-ag/argon2/argon2.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

declare module "swagger-ui-dist/swagger-ui.css" {
  const text: string;
  export default text;
}

declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}

declare module "redoc/bundles/redoc.standalone.js" {
  const text: string;
  export default text;
}
