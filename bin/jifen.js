#!/usr/bin/env node
// The operators' CLI. jifen runs its TypeScript sources through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
