export { RequestShaper, type ShapeParams } from './request-shaper.service';
export { VisionFallthroughService, type DescriptorDispatch } from './vision-fallthrough.service';
export { ContextWindowExceededError } from './context-limits';
export type { ShapedRequest, ShapingRecord } from './shaping-record';
