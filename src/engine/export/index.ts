/**
 * Model export: a run's checkpoint as TensorFlow.js Layers files and ONNX graphs with a
 * studio.json and README.md beside them, and a run's curves and config as CSV/JSON. Pure Node
 * (tfjs for the Layers format only; the ONNX protobuf is written by hand).
 */
export {
  exportRun,
  metricsAt,
  type ExportFormat,
  type ExportResult,
  type ExportRunOptions
} from './export-run'
export { exportCurves, metricsCsv, type CurvesResult } from './curves'
export { ExportError, type ExportErrorCode } from './errors'
export { checkOnnxSupport, exportOnnx, ONNX_OPSET, type OnnxFile } from './onnx-export'
export { exportTfjs, TFJS_WEIGHTS_FILE, type TfjsExport } from './tfjs-export'
export type { StudioJson } from './studio-json'
