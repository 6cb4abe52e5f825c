import * as tf from '@tensorflow/tfjs';
import { hasTypedKernel, registerTypedKernel, runTypedKernel } from './typedKernel.ts';

/**
 * The columns of a 3×3 same-padding convolution: for input x [batch, height, width,
 * channels], a [batch·height·width, 9·channels] matrix whose row for pixel (h, w) holds the
 * 3×3 neighbourhood row-major over (dy, dx), channels innermost, zeros outside the image
 * (the kernel's own memory order, so columns · kernel is the convolution).
 *
 * On cpu and wasm this is one pass of copies (and its gradient one pass of sums), where the
 * composed form (pad, nine strided slices, a concat; backward a split, nine pads, a sum)
 * costs about 50 ns a value in tfjs-wasm's generic strided kernels and dominated CNN steps.
 * Elsewhere (webgpu, webgl) the composed form runs. Both give the same columns; gradients
 * agree to float rounding (the nine contributions to a pixel are summed in another order).
 */
const IM2COL = 'EmcIm2Col3x3';
const COL2IM = 'EmcCol2Im3x3';

/** Visits every (pixel, tap) pair: the column offset and the input offset, or -1 outside. */
function forEachTap(
  [batch, height, width, channels]: number[],
  visit: (column: number, input: number) => void,
): void {
  const b = batch as number;
  const h = height as number;
  const w = width as number;
  const c = channels as number;
  let column = 0;
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
            visit(column, inside ? ((n * h + yy) * w + xx) * c : -1);
            column += c;
          }
        }
      }
    }
  }
}

export function registerIm2Col(): void {
  registerTypedKernel<Record<string, never>>({
    name: IM2COL,
    outputShapes: ([shape]) => {
      const [batch, height, width, channels] = shape as [number, number, number, number];
      return [[batch * height * width, 9 * channels]];
    },
    compute: ([x], [columns], [shape]) => {
      const input = x as Float32Array;
      const out = columns as Float32Array;
      const channels = (shape as number[])[3] as number;
      // Outside the image the (zeroed) output stays zero.
      forEachTap(shape as number[], (column, from) => {
        if (from < 0) return;
        for (let k = 0; k < channels; k++) out[column + k] = input[from + k] as number;
      });
    },
  });
  registerTypedKernel<{ shape: number[] }>({
    name: COL2IM,
    outputShapes: (_, { shape }) => [shape],
    compute: ([dColumns], [dx], _, { shape }) => {
      const gradient = dColumns as Float32Array;
      const out = dx as Float32Array;
      const channels = shape[3] as number;
      forEachTap(shape, (column, to) => {
        if (to < 0) return;
        for (let k = 0; k < channels; k++) {
          out[to + k] = (out[to + k] as number) + (gradient[column + k] as number);
        }
      });
    },
  });
}

registerIm2Col();

const typedIm2Col = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const shape = x.shape;
  return {
    value: runTypedKernel(IM2COL, { x: x as tf.Tensor })[0] as tf.Tensor,
    gradFunc: (dy: tf.Tensor) => runTypedKernel(COL2IM, { dy }, { shape })[0] as tf.Tensor,
  };
}) as (x: tf.Tensor4D) => tf.Tensor2D;

/** The composed form, for backends without the typed kernels. */
function composedIm2Col(x: tf.Tensor4D): tf.Tensor2D {
  const [batch, height, width, channels] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const shifted: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      shifted.push(padded.slice([0, dy, dx, 0], [batch, height, width, channels]));
    }
  }
  return tf.concat(shifted, 3).reshape([batch * height * width, 9 * channels]);
}

export function im2col3x3(x: tf.Tensor4D, composed = !hasTypedKernel(IM2COL)): tf.Tensor2D {
  return composed ? composedIm2Col(x) : typedIm2Col(x);
}

/**
 * The gradient of im2col3x3 with respect to its input: each column's value summed back onto
 * the pixel it was copied from (what a written-out backward pass needs without autodiff).
 */
export function col2im3x3(
  dColumns: tf.Tensor2D,
  shape: [number, number, number, number],
  composed = !hasTypedKernel(COL2IM),
): tf.Tensor4D {
  if (!composed) return runTypedKernel(COL2IM, { dy: dColumns }, { shape })[0] as tf.Tensor4D;
  // The composed form's own gradient (the point it is taken at does not matter: it is linear).
  return tf.tidy(
    () =>
      tf.grad((x: tf.Tensor) => composedIm2Col(x as tf.Tensor4D))(
        tf.zeros(shape),
        dColumns,
      ) as tf.Tensor4D,
  );
}
