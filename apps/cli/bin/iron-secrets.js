#!/usr/bin/env node
// The installed command: the compiled program does the work (apps/cli/src/main.ts).
import '../dist/main.js';
