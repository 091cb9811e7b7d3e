/**
 * The reference engine against the suite every engine runs (a self-check that the suite's
 * ownership and leak checks hold for it); the comparisons with tfjs-layers and finite
 * differences that make it a reference are in js-kernels-reference.test.ts.
 */
import { createJsKernels } from './js-kernels'
import { describeKernelConformance } from './conformance'

describeKernelConformance('js', () => createJsKernels())
