#!/usr/bin/env node
// Installed entry point: runs the compiled JavaScript (dist/, made by `pnpm build`)
// with plain node. From a checkout, `pnpm otpforge` runs the TypeScript sources instead.
await import("../dist/main.js");
