#!/usr/bin/env node
// The committed entry of the `meshparts` command. It exists before the first build, so that
// `pnpm install` on a fresh clone links node_modules/.bin/meshparts (pnpm links no bin whose
// file is missing); the code it runs is the compiled dist/bin.js.
import '../dist/bin.js';
