import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../../../shared/api/errors'
import { ImportsState } from '../../state/imports.svelte'
import { fakeClient, type FakeHandlers } from '../../testing/fake-client'
import { textDataset } from '../../testing/fixtures'
import DataImport from './DataImport.svelte'
import WindowDropZone from './WindowDropZone.svelte'

const importId = 'd'.repeat(32)

function setup(overrides: FakeHandlers = {}) {
  const fake = fakeClient({
    beginImport: () => ({ importId }),
    uploadChunk: () => ({ received: 0 }),
    finishImport: () => ({
      dataset: textDataset({ name: 'poems', isSample: false }),
      created: true
    }),
    cancelImport: () => ({}),
    ...overrides
  })
  // As the app mounts them: the pickers on Home, the drop zone over the whole window.
  const imports = new ImportsState(fake.client)
  const drops = { count: 0 }
  render(DataImport, { imports })
  render(WindowDropZone, { imports, ondropped: () => drops.count++ })
  return Object.assign(fake, { drops })
}

/** A window-level drag event carrying `dataTransfer` (jsdom has no DragEvent constructor). */
function dragEvent(type: string, dataTransfer: unknown): Event {
  const event = new Event(type, { bubbles: true, cancelable: true })
  Object.defineProperty(event, 'dataTransfer', { value: dataTransfer })
  return event
}

/** A DataTransfer as a drop of these entries or files hands it over. */
function dropped(items: { entry?: unknown; file?: File }[]) {
  return {
    types: ['Files'],
    files: items.flatMap((i) => (i.file ? [i.file] : [])),
    items: items.map((i) => ({
      kind: 'file',
      getAsFile: () => i.file ?? null,
      webkitGetAsEntry: () => i.entry ?? null
    }))
  }
}

/** A dropped folder: `readEntries` answers in batches of two, then empty, as browsers page them. */
function folderEntry(name: string, children: { name: string; file?: File }[]) {
  const entries = children.map((child) => ({
    name: child.name,
    isFile: child.file !== undefined,
    isDirectory: child.file === undefined,
    file: (resolve: (f: File) => void) => resolve(child.file!)
  }))
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let next = 0
      return {
        readEntries: (resolve: (batch: unknown[]) => void) => {
          resolve(entries.slice(next, next + 2))
          next += 2
        }
      }
    }
  }
}

describe('DataImport', () => {
  it('imports a picked file and shows the new dataset card highlighted', async () => {
    const fake = setup()
    const input = screen.getByTestId('import-file-input') as HTMLInputElement
    const file = new File(['Shall I compare thee to a summer’s day?\n'], 'poems.txt')
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    await fireEvent.change(input)

    const result = await screen.findByTestId('import-result')
    expect(result.textContent).toContain('Added poems to your datasets.')
    expect(within(result).getByTestId('dataset-card').textContent).toContain('1,115,394')
    expect(fake.calls.map((c) => c.method)).toEqual(['beginImport', 'uploadChunk', 'finishImport'])

    await fireEvent.click(within(result).getByRole('button', { name: 'Done' }))
    expect(screen.queryByTestId('import-result')).toBeNull()
  })

  it('shows the drop overlay while files are dragged over the window', async () => {
    setup()
    const data = dropped([{ file: new File(['x'], 'x.txt') }])
    window.dispatchEvent(dragEvent('dragenter', data))
    document.body.dispatchEvent(dragEvent('dragenter', data))
    window.dispatchEvent(dragEvent('dragleave', data))
    const overlay = await screen.findByTestId('drop-overlay')
    expect(overlay.textContent).toContain(
      'Drop a text file, CSV, labelled TSV, or a folder of per-class files'
    )
    window.dispatchEvent(dragEvent('dragleave', data))
    await waitFor(() => expect(screen.queryByTestId('drop-overlay')).toBeNull())
  })

  it('shows a refusal in place with the engine message and what to do', async () => {
    const fake = setup({
      finishImport: () => {
        throw new ApiError(
          'UNSUPPORTED',
          'notes.txt is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8 and import it again.',
          { reason: 'ENCODING' }
        )
      }
    })
    const drop = dragEvent('drop', dropped([{ file: new File(['\xff\xfeh\0i\0'], 'notes.txt') }]))
    window.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    // The app is told, so that a drop on another screen brings Home (which reports it) forward.
    expect(fake.drops.count).toBe(1)

    const problem = await screen.findByRole('alert')
    expect(within(problem).getByRole('heading').textContent).toBe('Not UTF-8 text')
    expect(screen.getByTestId('import-problem-message').textContent).toBe(
      'notes.txt is UTF-16 text (it starts with a UTF-16 byte-order mark).'
    )
    expect(problem.textContent).toContain('What to do: Save it as UTF-8 and import it again.')
    expect(within(problem).getByRole('button', { name: 'Choose another file…' })).toBeTruthy()
  })

  it('uploads the files of a dropped folder, skipping hidden files and subfolders', async () => {
    const fake = setup()
    const entry = folderEntry('names', [
      { name: 'Greek.txt', file: new File(['Eleni\n'], 'Greek.txt') },
      { name: '.DS_Store', file: new File(['\0'], '.DS_Store') },
      { name: 'Dutch.txt', file: new File(['Anna\n'], 'Dutch.txt') },
      { name: 'old' }
    ])
    window.dispatchEvent(dragEvent('drop', dropped([{ entry }])))

    await screen.findByTestId('import-result')
    expect(fake.calls[0].input).toEqual({
      folder: 'names',
      files: [
        { name: 'Dutch.txt', size: 5 },
        { name: 'Greek.txt', size: 6 }
      ]
    })
  })

  it('asks for one item at a time without calling the studio', async () => {
    const fake = setup()
    window.dispatchEvent(
      dragEvent(
        'drop',
        dropped([{ file: new File(['a'], 'a.txt') }, { file: new File(['b'], 'b.txt') }])
      )
    )
    const problem = await screen.findByRole('alert')
    expect(problem.textContent).toContain('One at a time')
    expect(fake.calls).toEqual([])
  })
})
