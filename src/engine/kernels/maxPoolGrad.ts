import * as tf from '@tensorflow/tfjs';
import { hasTypedKernel, registerTypedKernel, runTypedKernel } from './typedKernel.ts';

/**
 * The gradient of 2×2, stride-2, valid max-pooling (models/cnn.ts' pooling) with respect to
 * its input x [batch, height, width, channels]: each window's dy goes to the window's maximum,
 * the first in row-major order where values tie (tfjs' MaxPoolGrad's rule), zeros elsewhere
 * (and on the last row and column of an odd-sized image, which no window covers).
 *
 * On cpu and wasm this is one pass over the windows. tfjs' MaxPoolGrad is written for any
 * filter, stride and padding and, per input pixel, searches every window that may cover it:
 * on wasm 64×14×14×32 took about 60 ms, over half of the 2×16ch CNN's step. Elsewhere
 * (webgpu, webgl) tfjs' kernel runs.
 */
const MAX_POOL_GRAD = 'EmcMaxPool2x2Grad';

export function registerMaxPoolGrad(): void {
  registerTypedKernel<Record<string, never>>({
    name: MAX_POOL_GRAD,
    outputShapes: ([, shape]) => [shape as number[]],
    compute: ([dy, x], [dx], [, shape]) => {
      const gradient = dy as Float32Array;
      const input = x as Float32Array;
      const out = dx as Float32Array;
      const [batch, height, width, channels] = shape as [number, number, number, number];
      const outHeight = Math.floor(height / 2);
      const outWidth = Math.floor(width / 2);
      const rowStride = width * channels;
      let from = 0;
      for (let n = 0; n < batch; n++) {
        for (let y = 0; y < outHeight; y++) {
          for (let xx = 0; xx < outWidth; xx++) {
            const topLeft = ((n * height + 2 * y) * width + 2 * xx) * channels;
            for (let k = 0; k < channels; k++) {
              // The window's four cells, row-major; a later one wins only if strictly larger.
              const a = topLeft + k;
              const b = a + channels;
              const c = a + rowStride;
              const d = c + channels;
              let at = a;
              let best = input[a] as number;
              if ((input[b] as number) > best) {
                at = b;
                best = input[b] as number;
              }
              if ((input[c] as number) > best) {
                at = c;
                best = input[c] as number;
              }
              if ((input[d] as number) > best) at = d;
              out[at] = gradient[from + k] as number;
            }
            from += channels;
          }
        }
      }
    },
  });
}

registerMaxPoolGrad();

/** d loss / d x of tf.maxPool(x, 2, 2, 'valid'), from dy = d loss / d its output. */
export function maxPool2x2Grad(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  output: tf.Tensor4D,
  typed = hasTypedKernel(MAX_POOL_GRAD),
): tf.Tensor4D {
  if (typed) return runTypedKernel(MAX_POOL_GRAD, { dy, x })[0] as tf.Tensor4D;
  return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output }, {
    filterSize: 2,
    strides: 2,
    pad: 'valid',
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
