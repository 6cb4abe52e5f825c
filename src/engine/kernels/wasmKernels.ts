import * as tf from '@tensorflow/tfjs';

/**
 * Three kernels of tfjs-backend-wasm 4.22 that dominate the lab's training steps, replaced
 * by faster ones computing exactly the same values. Idempotent; returns false (and does
 * nothing) until the wasm backend's kernels are registered.
 *
 * - BatchMatMul: tfjs sends a product to XNNPACK only when neither side is transposed and
 *   there is one batch; everything else (every backward product of a dense or im2col layer,
 *   every stacked probe's batched product) runs a scalar triple loop 3-10x slower
 *   (batch_mat_mul_impl.cc). The replacement materializes the transposes, splits the batch
 *   and sends each plain product to XNNPACK: the same products, summed in XNNPACK's order
 *   (the forward pass already uses it), so results agree to float rounding.
 * - GatherV2 along the first axis (a training batch's rows) and Slice of whole rows (the fit
 *   check's chunks): tfjs walks them element by element through generic strides (about
 *   50 ns a value); the replacements copy whole rows. Bit for bit equal.
 */
export function tuneWasmKernels(): boolean {
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const gather = tf.getKernel('GatherV2', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  if (!matMul || !gather || !slice) return false;
  if (matMul.kernelFunc === routedMatMul) return true;
  const kernels: WasmKernels = {
    batchMatMul: matMul.kernelFunc,
    gather: gather.kernelFunc,
    slice: slice.kernelFunc,
    rowSlice: (args) => rowSlice(args, kernels),
    transpose: kernelOf('Transpose'),
    concat: kernelOf('Concat'),
    reshape: kernelOf('Reshape'),
  };
  routedMatMul = (args) => routedBatchMatMul(args, kernels);
  replaceKernel(matMul, routedMatMul);
  replaceKernel(gather, (args) => rowGather(args, kernels));
  replaceKernel(slice, kernels.rowSlice);
  return true;
}

function replaceKernel(original: tf.KernelConfig, kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(original.kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

let routedMatMul: tf.KernelFunc | undefined;

function kernelOf(name: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc;
}

interface WasmKernels {
  batchMatMul: tf.KernelFunc;
  gather: tf.KernelFunc;
  /** tfjs' own slice, and the row-copying one that falls back to it. */
  slice: tf.KernelFunc;
  rowSlice: tf.KernelFunc;
  transpose: tf.KernelFunc;
  concat: tf.KernelFunc;
  reshape: tf.KernelFunc;
}

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: { disposeData(dataId: object): void };
  attrs: { transposeA: boolean; transposeB: boolean };
}

function routedBatchMatMul(
  args: Parameters<tf.KernelFunc>[0],
  kernels: WasmKernels,
): tf.TensorInfo {
  const { inputs, backend, attrs } = args as unknown as MatMulArgs;
  const { a, b } = inputs;
  const batch = batchSize(a.shape);
  const plain = !attrs.transposeA && !attrs.transposeB && batch === 1;
  // Broadcast batches (one side shared by all) are rare here; leave them to tfjs.
  if (plain || batch !== batchSize(b.shape)) return kernels.batchMatMul(args) as tf.TensorInfo;

  const temporaries: tf.TensorInfo[] = [];
  const run = (kernel: tf.KernelFunc, kernelInputs: unknown, kernelAttrs: unknown) => {
    const out = kernel({
      inputs: kernelInputs as tf.NamedTensorInfoMap,
      backend: args.backend,
      attrs: kernelAttrs as tf.NamedAttrMap,
    }) as tf.TensorInfo;
    temporaries.push(out);
    return out;
  };
  /** x as [batch, rows, cols], transposed within each batch when asked. */
  const asRows = (x: tf.TensorInfo, transpose: boolean) => {
    const [rows, cols] = x.shape.slice(-2) as [number, number];
    const x3 = run(kernels.reshape, { x }, { shape: [batch, rows, cols] });
    return transpose ? run(kernels.transpose, { x: x3 }, { perm: [0, 2, 1] }) : x3;
  };
  const a3 = asRows(a, attrs.transposeA);
  const b3 = asRows(b, attrs.transposeB);
  const member = (x: tf.TensorInfo, index: number) =>
    batch === 1
      ? x
      : run(kernels.rowSlice, { x }, { begin: [index, 0, 0], size: [1, ...x.shape.slice(1)] });
  const products = Array.from({ length: batch }, (_, index) =>
    run(
      kernels.batchMatMul,
      { a: member(a3, index), b: member(b3, index) },
      { transposeA: false, transposeB: false },
    ),
  );
  const joined = batch === 1 ? products[0] : run(kernels.concat, products, { axis: 0 });
  const shape = [...a.shape.slice(0, -2), a3.shape[1] as number, b3.shape[2] as number];
  const result = kernels.reshape({
    inputs: { x: joined as tf.TensorInfo },
    backend: args.backend,
    attrs: { shape },
  }) as tf.TensorInfo;
  for (const temporary of temporaries) backend.disposeData(temporary.dataId);
  return result;
}

function batchSize(shape: number[]): number {
  return tf.util.sizeFromShape(shape.slice(0, -2));
}

interface GatherArgs {
  inputs: { x: tf.TensorInfo; indices: tf.TensorInfo };
  backend: {
    makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  };
  attrs: { axis: number; batchDims: number };
}

function rowGather(args: Parameters<tf.KernelFunc>[0], kernels: WasmKernels): tf.TensorInfo {
  const { inputs, backend, attrs } = args as unknown as GatherArgs;
  const { x, indices } = inputs;
  const axis = attrs.axis < 0 ? attrs.axis + x.shape.length : attrs.axis;
  if (axis !== 0 || attrs.batchDims !== 0 || indices.dtype !== 'int32' || x.shape.length === 0) {
    return kernels.gather(args) as tf.TensorInfo;
  }
  const rows = x.shape[0] as number;
  const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation: a new output may grow the heap and detach older views.
  const source = backend.typedArrayFromHeap(x);
  const picks = backend.typedArrayFromHeap(indices);
  const target = backend.typedArrayFromHeap(out);
  for (let i = 0; i < picks.length; i++) {
    const row = picks[i] as number;
    if (row < 0 || row >= rows) {
      throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    }
    target.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
  }
  return out;
}

interface SliceArgs {
  inputs: { x: tf.TensorInfo };
  backend: GatherArgs['backend'];
  attrs: { begin: number | number[]; size: number | number[] };
}

/** A slice that keeps every axis but the first whole is one contiguous block: copy it. */
function rowSlice(args: Parameters<tf.KernelFunc>[0], kernels: WasmKernels): tf.TensorInfo {
  const { inputs, backend, attrs } = args as unknown as SliceArgs;
  const { x } = inputs;
  const rank = x.shape.length;
  const begin = Array.isArray(attrs.begin) ? attrs.begin : [attrs.begin];
  const size = Array.isArray(attrs.size) ? attrs.size : [attrs.size];
  const whole = (axis: number) =>
    (begin[axis] ?? 0) === 0 &&
    (size[axis] === undefined || size[axis] === -1 || size[axis] === x.shape[axis]);
  const rows = x.shape[0] as number;
  const start = begin[0] ?? 0;
  const count = size[0] === undefined || size[0] === -1 ? rows - start : (size[0] as number);
  const contiguous =
    rank >= 1 &&
    begin.length === rank &&
    size.length === rank &&
    x.shape.slice(1).every((_, i) => whole(i + 1)) &&
    start >= 0 &&
    count >= 0 &&
    start + count <= rows;
  if (!contiguous) return kernels.slice(args) as tf.TensorInfo;
  const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([count, ...x.shape.slice(1)], x.dtype);
  const source = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(source.subarray(start * rowSize, (start + count) * rowSize));
  return out;
}
