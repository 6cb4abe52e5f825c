import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-wasm 4.22 sends a matrix product to XNNPACK only when neither side is
 * transposed and there is one batch; everything else (every backward product of a dense or
 * im2col layer, and every stacked probe's batched product) runs a scalar triple loop that is
 * 3-10x slower (batch_mat_mul_impl.cc). This replaces its BatchMatMul kernel with one that
 * materializes the transposes, splits the batch, and sends each plain product to XNNPACK.
 * The mathematics is unchanged: the same products, summed in XNNPACK's order (the forward
 * pass already uses it), so results agree with the scalar loop to float rounding.
 *
 * Idempotent; a no-op until the wasm backend's kernels are registered.
 */
export function routeWasmMatMulsToXnnpack(): boolean {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return false;
  if (original.kernelFunc === routedKernel) return true;
  const kernels = {
    batchMatMul: original.kernelFunc,
    transpose: kernelOf('Transpose'),
    slice: kernelOf('Slice'),
    concat: kernelOf('Concat'),
    reshape: kernelOf('Reshape'),
  };
  routedKernel = (args) => routedBatchMatMul(args, kernels);
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: routedKernel,
  });
  return true;
}

let routedKernel: tf.KernelFunc | undefined;

function kernelOf(name: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc;
}

interface WasmKernels {
  batchMatMul: tf.KernelFunc;
  transpose: tf.KernelFunc;
  slice: tf.KernelFunc;
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
      : run(kernels.slice, { x }, { begin: [index, 0, 0], size: [1, ...x.shape.slice(1)] });
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
  return shape.slice(0, -2).reduce((product, size) => product * size, 1);
}
