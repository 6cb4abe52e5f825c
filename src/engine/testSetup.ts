// Unit tests run the engine on the pure-JS cpu backend: deterministic and always available.
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode();
await tf.setBackend('cpu');
await tf.ready();
