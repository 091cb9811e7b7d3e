import '@testing-library/svelte/vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { RunDraft } from '../../state/run-draft.svelte'
import { csvDataset, labelledDataset, textDataset } from '../../testing/fixtures'
import TaskPicker from './TaskPicker.svelte'

const datasets = [textDataset(), csvDataset(), labelledDataset(3)]

/** Each listed dataset: name, whether it can be picked, and the reason when not. */
function options(): { name: string; enabled: boolean; reason: string | null }[] {
  return screen.getAllByTestId('dataset-option').map((li) => ({
    name: li.querySelector('.name')?.textContent ?? '',
    enabled: !(li.querySelector('input') as HTMLInputElement).disabled,
    reason: li.querySelector('[data-testid="dataset-reason"]')?.textContent ?? null
  }))
}

describe('TaskPicker', () => {
  it('lists incompatible datasets disabled, each with its reason', async () => {
    render(TaskPicker, { draft: new RunDraft(() => datasets) })

    expect(options()).toEqual([
      { name: 'tiny-shakespeare', enabled: true, reason: null },
      {
        name: 'airline-passengers',
        enabled: false,
        reason: 'This is a CSV table; text generation needs a text corpus.'
      },
      {
        name: 'names-by-language',
        enabled: false,
        reason: 'This is a folder of classes; text generation needs a text corpus.'
      }
    ])
    const csv = screen.getByRole('radio', { name: /airline-passengers/ })
    expect(csv.getAttribute('aria-describedby')).toBeTruthy()

    await fireEvent.click(screen.getByRole('radio', { name: /Forecasting/ }))
    expect(options()[0]).toEqual({ name: 'airline-passengers', enabled: true, reason: null })
    expect(screen.getByRole('radio', { name: /airline-passengers/ })).toHaveProperty(
      'checked',
      true
    )
    // target choices come from the CSV's numeric columns
    const target = screen.getByLabelText('Target column') as HTMLSelectElement
    expect([...target.options].map((o) => o.textContent)).toEqual([
      'Automatic (Passengers)',
      'Passengers'
    ])
  })

  it('draws each task’s configuration and says which datasets fit', () => {
    render(TaskPicker, { draft: new RunDraft(() => [textDataset()]) })
    const cards = screen.getAllByTestId('task-card')
    expect(cards.map((c) => c.dataset.kind)).toEqual([
      'text-generation',
      'forecast',
      'classification',
      'seq2seq',
      'synthetic'
    ])
    const glyphs = cards.map((c) =>
      [...c.querySelectorAll('[data-configuration]')].map((g) =>
        g.getAttribute('data-configuration')
      )
    )
    expect(glyphs).toEqual([
      ['many-to-many', 'one-to-many'],
      ['many-to-one'],
      ['many-to-one'],
      ['encoder-decoder'],
      ['many-to-one']
    ])
    expect(cards[0].textContent).toContain('1 dataset fits')
    expect(cards[1].textContent).toContain('No dataset fits yet: needs a CSV table')
  })

  it('shows the task’s own fields with the schema’s messages beside them', async () => {
    const draft = new RunDraft(() => datasets)
    render(TaskPicker, { draft })
    await fireEvent.input(screen.getByLabelText('Sequence length'), { target: { value: '1' } })
    expect(screen.getByTestId('field-error').textContent).toBe('Must be at least 2')

    await fireEvent.click(screen.getByRole('radio', { name: /Synthetic diagnostics/ }))
    expect(screen.queryAllByTestId('dataset-option')).toHaveLength(0)
    await fireEvent.click(screen.getByRole('radio', { name: /Copy first/ }))
    await fireEvent.input(screen.getByLabelText('Sequence length T'), {
      target: { value: '2.5' }
    })
    expect(screen.getByTestId('field-error').textContent).toBe('Enter a whole number')
    expect(draft.task.problem).toBe('copy-first')
  })
})
