import * as tf from '@tensorflow/tfjs';

/**
 * A kernel written once as a loop over float32 arrays and registered for both CPU backends:
 * on cpu the arrays are the tensors' own values, on wasm they are views of the module's heap,
 * so nothing is copied in or out. GPU backends get no registration; callers check
 * `hasTypedKernel` and compose tfjs ops there instead.
 */
export interface TypedKernel<Attrs> {
  name: string;
  /** The shapes of the outputs, from the inputs' shapes. */
  outputShapes(inputShapes: number[][], attrs: Attrs): number[][];
  /** Fills the outputs (zeroed beforehand) from the inputs. */
  compute(inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: Attrs): void;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** Registers `kernel` for cpu and wasm; idempotent. */
export function registerTypedKernel<Attrs>(kernel: TypedKernel<Attrs>): void {
  const inputsOf = (args: Parameters<tf.KernelFunc>[0]) =>
    Object.values(args.inputs as tf.NamedTensorInfoMap) as tf.TensorInfo[];

  const onWasm: tf.KernelFunc = (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const inputs = inputsOf(args);
    const attrs = args.attrs as unknown as Attrs;
    const shapes = inputs.map((input) => input.shape);
    // Allocate first: a new output may grow the heap, which detaches earlier views of it.
    const outputs = kernel
      .outputShapes(shapes, attrs)
      .map((shape) => backend.makeOutput(shape, 'float32'));
    const outputViews = outputs.map((output) => backend.typedArrayFromHeap(output).fill(0));
    kernel.compute(
      inputs.map((input) => backend.typedArrayFromHeap(input)),
      outputViews,
      shapes,
      attrs,
    );
    return outputs;
  };

  const onCpu: tf.KernelFunc = (args) => {
    const backend = args.backend as unknown as CpuBackendLike;
    const inputs = inputsOf(args);
    const attrs = args.attrs as unknown as Attrs;
    const shapes = inputs.map((input) => input.shape);
    const outputShapes = kernel.outputShapes(shapes, attrs);
    const outputs = outputShapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)));
    kernel.compute(
      inputs.map((input) => backend.data.get(input.dataId).values),
      outputs,
      shapes,
      attrs,
    );
    return outputs.map((values, i) =>
      backend.makeTensorInfo(outputShapes[i] as number[], 'float32', values),
    );
  };

  for (const [backendName, kernelFunc] of [
    ['cpu', onCpu],
    ['wasm', onWasm],
  ] as const) {
    if (!tf.getKernel(kernel.name, backendName)) {
      tf.registerKernel({ kernelName: kernel.name, backendName, kernelFunc });
    }
  }
}

/** Whether the running backend has this typed kernel. */
export function hasTypedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Runs a typed kernel on tensors; inputs are passed in the order compute reads them. */
export function runTypedKernel(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: object = {},
): tf.Tensor[] {
  return tf
    .engine()
    .runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor[];
}
