#!/usr/bin/env node
// The operators' CLI: its compiled JavaScript, or its sources when dist/ is stale (see launch.js).
import { launch } from './launch.js';

await launch('src/cli/main.ts');
