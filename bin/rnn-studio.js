#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx's loader, so `npm ci` is the only set-up step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/index.ts')
