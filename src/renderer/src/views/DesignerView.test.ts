import '@testing-library/svelte/vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import { RunConfig, type RunConfigInput } from '../../../shared/domain/run-config'
import { csvDataset, labelledDataset, textDataset } from '../lib/testing/fixtures'
import DesignerView from './DesignerView.svelte'

const datasets = [textDataset(), csvDataset(), labelledDataset(3)]

/** The message shown under a field, found through the input's aria-describedby. */
function messageFor(input: HTMLElement): string | null {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? []
  const error = ids.map((id) => document.getElementById(id)).find((el) => el?.matches('.error'))
  return error?.textContent?.trim() ?? null
}

function startButton(): HTMLButtonElement {
  return screen.getByTestId('start-button') as HTMLButtonElement
}

describe('DesignerView', () => {
  it('refuses 0 units next to the field and disables Start, saying why', async () => {
    render(DesignerView, { datasets, onStart: () => {} })
    const units = screen.getByLabelText('Layer 1 units')
    expect(startButton().disabled).toBe(false)

    await fireEvent.input(units, { target: { value: '0' } })

    expect(messageFor(units)).toBe('Must be at least 1')
    expect(units.getAttribute('aria-invalid')).toBe('true')
    expect(startButton().disabled).toBe(true)
    const reason = screen.getByTestId('start-reason')
    expect(reason.textContent).toContain('one setting needs attention')
    expect(within(reason).getByRole('link', { name: 'Layer 1 units' })).toBeTruthy()
    expect(screen.getByTestId('param-missing').textContent).toMatch(/Fix the network settings/)

    await fireEvent.input(units, { target: { value: '64' } })
    expect(messageFor(units)).toBeNull()
    expect(startButton().disabled).toBe(false)
  })

  it('explains dropout and learning rates the schemas refuse', async () => {
    render(DesignerView, { datasets, onStart: () => {} })
    await fireEvent.input(screen.getByLabelText('Dropout'), { target: { value: '0.95' } })
    await fireEvent.input(screen.getByLabelText('Learning rate'), { target: { value: '0' } })

    expect(messageFor(screen.getByLabelText('Dropout'))).toBe('Must be at most 0.9')
    expect(messageFor(screen.getByLabelText('Learning rate'))).toBe('Must be more than 0')
    expect(screen.getByTestId('start-reason').textContent).toContain('2 settings need attention')
  })

  it('changes the equations and the parameter counts with the cell', async () => {
    render(DesignerView, { datasets, onStart: () => {} })
    const equations = screen.getByTestId('cell-equations')
    // LSTM: i, f, o, g, c and h; vocab 65, embedding 32, 128 units
    expect(within(equations).getAllByTestId('equation')).toHaveLength(6)
    expect(equations.textContent).toContain('forget gate')
    expect(equations.textContent?.replace(/\s+/g, '')).toContain('ℝ128×32')
    expect(screen.getByTestId('param-total').textContent).toBe('92,897')

    await fireEvent.click(screen.getByRole('radio', { name: /GRU/ }))
    expect(within(equations).getAllByTestId('equation')).toHaveLength(4)
    expect(equations.textContent).toContain('reset gate')
    expect(equations.textContent).not.toContain('forget gate')
    // reset before U_h, as tfjs-layers' GRU computes it
    expect(equations.textContent?.replace(/\s+/g, '')).toContain('Uh(rt⊙ht−1)')
    // GRU as the engine builds it (no reset_after): 3·128·160 + 3·128 = 61,824
    expect(screen.getByTestId('param-total').textContent).toBe('72,289')

    await fireEvent.click(screen.getByRole('radio', { name: /RNN \(ReLU\)/ }))
    expect(within(equations).getAllByTestId('equation')).toHaveLength(1)
    expect(equations.textContent).toMatch(/relu\(\s*W/)
    // 128·160 + 128 = 20,608
    expect(screen.getByTestId('param-total').textContent).toBe('31,073')
    const rows = screen.getAllByTestId('param-row').map((r) => r.textContent?.replace(/\s+/g, ' '))
    expect(rows[1]).toContain('SimpleRNN 1')
    expect(rows[1]).toContain('20,608')
  })

  it('redraws the diagram as layers and directions change', async () => {
    render(DesignerView, { datasets, onStart: () => {} })
    // text generation, T = 64: steps 1, 2, 3 and T are drawn
    expect(screen.getAllByTestId('diagram-cell')).toHaveLength(4)
    expect(screen.getAllByTestId('diagram-output')).toHaveLength(4)
    expect(screen.queryAllByTestId('diagram-backward')).toHaveLength(0)

    await fireEvent.click(screen.getByRole('button', { name: 'Add layer' }))
    await fireEvent.click(screen.getByLabelText('Bidirectional'))
    expect(screen.getAllByTestId('diagram-cell')).toHaveLength(8)
    expect(screen.getAllByTestId('diagram-backward')).toHaveLength(6)
    expect(screen.getByTestId('field-warning').textContent).toMatch(/reads the very character/)

    await fireEvent.click(screen.getByRole('radio', { name: /Classification/ }))
    expect(screen.getAllByTestId('diagram-output')).toHaveLength(1)
  })

  it('starts with a config RunConfig accepts', async () => {
    const onStart = vi.fn<(config: RunConfigInput) => void>()
    render(DesignerView, { datasets, onStart })
    await fireEvent.input(screen.getByLabelText('Run name (optional)'), {
      target: { value: ' first try ' }
    })
    await fireEvent.click(startButton())

    expect(onStart).toHaveBeenCalledTimes(1)
    const config = RunConfig.parse(onStart.mock.calls[0][0])
    expect(config.name).toBe('first try')
    expect(config.task).toMatchObject({ kind: 'text-generation', datasetId: 1 })
    expect(config.training.engine).toBe('auto')
  })

  it('lets the engine be chosen, and starts with it', async () => {
    const onStart = vi.fn<(config: RunConfigInput) => void>()
    render(DesignerView, { datasets, onStart })
    const engine = screen.getByLabelText('Engine') as HTMLSelectElement
    expect([...engine.options].map((o) => o.value)).toEqual([
      'auto',
      'native',
      'wasm',
      'tfjs',
      'js'
    ])
    await fireEvent.change(engine, { target: { value: 'wasm' } })
    await fireEvent.click(startButton())
    expect(RunConfig.parse(onStart.mock.calls[0][0]).training.engine).toBe('wasm')
  })

  it('shows why a start failed', async () => {
    render(DesignerView, {
      datasets,
      onStart: () => Promise.reject(new Error('The trainer could not start.'))
    })
    await fireEvent.click(startButton())
    expect((await screen.findByRole('alert')).textContent).toBe('The trainer could not start.')
    expect(startButton().disabled).toBe(false)
  })

  it('prefills the draft from a preset', async () => {
    render(DesignerView, {
      datasets,
      onStart: () => {},
      presets: [
        {
          name: 'airline-gru',
          description: 'Two small GRU layers on the airline series.',
          config: {
            task: { kind: 'forecast', lookback: 12 },
            network: { cell: 'gru', layers: [{ units: 32 }, { units: 16 }] },
            training: { batchSize: 16 }
          }
        }
      ]
    })
    await fireEvent.click(screen.getByRole('button', { name: 'airline-gru' }))

    expect(screen.getByRole('radio', { name: /Forecasting/ })).toHaveProperty('checked', true)
    expect(screen.getByLabelText('Lookback (rows in)')).toHaveProperty('value', '12')
    expect(screen.getByLabelText('Layer 2 units')).toHaveProperty('value', '16')
    expect(screen.getByLabelText('Batch size')).toHaveProperty('value', '16')
    // GRU 32 on 1 feature: 3·32·33 + 3·32 = 3,264; GRU 16 on 32: 3·16·48 + 3·16 = 2,352; head 17
    expect(screen.getByTestId('param-total').textContent).toBe('5,633')
  })
})
