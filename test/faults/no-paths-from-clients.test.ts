/**
 * "File paths from the renderer are never trusted": the API a window or a browser tab can call
 * takes no path at all. Every method's input schema is walked (as JSON Schema) and no property may
 * be named like a file-system location; files arrive as content (beginImport/uploadChunk) under a
 * bare name that the import refuses if it could leave its staging folder (dataset-import.test.ts).
 * A method added later with a `path` or `dir` input fails this test until it is reviewed here.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { API_METHODS, studioApi } from '../../src/shared/api/contract'

const PATH_LIKE =
  /^(.*path|.*dir|directory|.*folder|files?|.*filename|out|dest(ination)?|.*url|uri)$/i
/** Reviewed: `folder` and `files[].name` of beginImport are bare names, checked by ImportFileName. */
const REVIEWED = new Set(['beginImport.folder', 'beginImport.files'])

function propertyNames(schema: unknown, prefix: string, found: string[]): void {
  if (schema === null || typeof schema !== 'object') return
  const node = schema as Record<string, unknown>
  const properties = node.properties as Record<string, unknown> | undefined
  for (const [key, child] of Object.entries(properties ?? {})) {
    found.push(`${prefix}.${key}`)
    propertyNames(child, `${prefix}.${key}`, found)
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) {
    const child = node[key]
    if (Array.isArray(child)) for (const c of child) propertyNames(c, prefix, found)
    else propertyNames(child, prefix, found)
  }
}

describe('no client-supplied paths', () => {
  it('no API input has a path-like field outside the reviewed import names', () => {
    const suspicious: string[] = []
    const all: string[] = []
    for (const method of API_METHODS) {
      const found: string[] = []
      const json = z.toJSONSchema(studioApi[method].input, { unrepresentable: 'any', io: 'input' })
      propertyNames(json, method, found)
      all.push(...found)
      for (const name of found) {
        const leaf = name.split('.').at(-1)!
        if (PATH_LIKE.test(leaf) && !REVIEWED.has(name)) suspicious.push(name)
      }
    }
    // The walk reaches nested fields (else this test would pass on nothing).
    expect(all).toEqual(expect.arrayContaining(['beginImport.folder', 'startRun.network.cell']))
    expect(suspicious).toEqual([])
  })
})
