/**
 * Import first, before any schema is built. The renderer's CSP (`script-src 'self'`) forbids
 * `new Function`, which zod 4 uses to compile fast object parsers, and its probe for that shows up
 * as a CSP violation even though zod catches it. `jitless` skips both; parsing stays correct, only
 * interpreted. zod reads the flag when each object schema is constructed
 * (node_modules/zod/v4/core/schemas.js `const jit = !core.globalConfig.jitless`), hence "first".
 */
import { z } from 'zod'

z.config({ jitless: true })
