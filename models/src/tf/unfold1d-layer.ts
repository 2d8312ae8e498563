import * as tf from '@tensorflow/tfjs';

export interface Unfold1dConfig {
  kernelSize: number;
  name?: string;
  /** [time, channels] when this is the first layer of a model. */
  inputShape?: number[];
  /** Set by deserialisation (tf.loadLayersModel) from the saved config. */
  batchInputShape?: (number | null)[];
}

/**
 * Turns [batch, time, channels] into [batch, time, channels * kernelSize] by stacking, at each
 * step, the `kernelSize` steps centred on it ('same' zero padding). Followed by a
 * dense layer this is exactly a 1D convolution, but built from slice/concat/matMul, whose
 * gradients the wasm backend has (it lacks Conv2DBackpropFilter, so conv1d cannot train there).
 */
export class Unfold1dLayer extends tf.layers.Layer {
  static readonly className = 'Unfold1d';
  readonly kernelSize: number;

  constructor(config: Unfold1dConfig) {
    super({ name: config.name, inputShape: config.inputShape, batchInputShape: config.batchInputShape });
    if (!Number.isInteger(config.kernelSize) || config.kernelSize < 1)
      throw new Error('kernelSize must be a positive integer');
    this.kernelSize = config.kernelSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[2];
    return [shape[0], shape[1], channels === null ? null : channels * this.kernelSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const steps = x.shape[1];
      const before = Math.floor((this.kernelSize - 1) / 2);
      const after = this.kernelSize - 1 - before;
      const padded = tf.pad(x, [
        [0, 0],
        [before, after],
        [0, 0],
      ]);
      const shifted = Array.from({ length: this.kernelSize }, (_, k) =>
        tf.slice(padded, [0, k, 0], [-1, steps, -1]),
      );
      return tf.concat(shifted, 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize };
  }
}

// Registration lets tf.loadLayersModel rebuild saved models that contain this layer.
tf.serialization.registerClass(Unfold1dLayer);

/** A 'same'-padded 1D convolution (unfold + dense) that trains on the wasm backend. */
export function conv1dLayers(options: {
  filters: number;
  kernelSize: number;
  activation: 'relu' | 'linear' | 'tanh';
  seed: number;
  inputShape?: [number, number];
}): tf.layers.Layer[] {
  const unfold = new Unfold1dLayer({ kernelSize: options.kernelSize, inputShape: options.inputShape });
  return [
    unfold,
    tf.layers.dense({
      units: options.filters,
      activation: options.activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed }),
    }),
  ];
}
