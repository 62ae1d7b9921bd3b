/** The Upstash-protocol proxy lives in scripts/ (`bun run dev:edge:offline` runs it); tests import it from here. */
export { startUpstashProxy } from "../../scripts/upstash-proxy";
