import * as fs from 'node:fs';
import * as path from 'node:path';
import type { io, LayersModel } from '@tensorflow/tfjs';
import type { Tf } from './tf-backend';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';

/** What we record beside every saved model so a reader knows how it was made and how good it was. */
export interface ModelMetadata {
  version: number;
  /** Free-form name of the data the model learned from, e.g. "C-MAPSS FD001 train". */
  data: string;
  trainingParams: Record<string, unknown>;
  metrics: Record<string, number>;
  /** ISO-8601 time the model was saved. */
  date: string;
  /** Anything the model needs at inference time besides its weights (normalisation stats, threshold...). */
  preprocessing?: Record<string, unknown>;
}

/**
 * Saves to / loads from a directory in the standard TensorFlow.js layout (model.json +
 * one weights.bin shard), because `file://` handlers only ship with tfjs-node, which cannot
 * be installed here.
 */
export class DirectoryModelHandler implements io.IOHandler {
  constructor(private readonly dir: string) {}

  async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error('binary model topology is not supported; save a LayersModel');
    }
    await fs.promises.mkdir(this.dir, { recursive: true });
    const weightData = concatWeightData(artifacts.weightData);
    const modelJson: io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      trainingConfig: artifacts.trainingConfig,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    };
    await fs.promises.writeFile(path.join(this.dir, MODEL_JSON), JSON.stringify(modelJson));
    await fs.promises.writeFile(path.join(this.dir, WEIGHTS_BIN), Buffer.from(weightData));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(modelJson.modelTopology).length,
        weightSpecsBytes: JSON.stringify(modelJson.weightsManifest).length,
        weightDataBytes: weightData.byteLength,
      },
    };
  }

  async load(): Promise<io.ModelArtifacts> {
    const modelJson = JSON.parse(
      await fs.promises.readFile(path.join(this.dir, MODEL_JSON), 'utf8'),
    ) as io.ModelJSON;
    const weightSpecs: io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of modelJson.weightsManifest) {
      weightSpecs.push(...group.weights);
      for (const shard of group.paths) {
        // Shard names come from a file on disk: keep them inside the model directory.
        const shardPath = path.resolve(this.dir, shard);
        if (path.dirname(shardPath) !== path.resolve(this.dir)) {
          throw new Error(`weights shard outside model directory: ${shard}`);
        }
        buffers.push(await fs.promises.readFile(shardPath));
      }
    }
    const all = Buffer.concat(buffers);
    return {
      modelTopology: modelJson.modelTopology,
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
      trainingConfig: modelJson.trainingConfig,
      weightSpecs,
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    };
  }
}

function concatWeightData(data: io.ModelArtifacts['weightData']): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (data instanceof ArrayBuffer) return data;
  const total = data.reduce((sum, b) => sum + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

export async function saveModelToDir(
  model: LayersModel,
  dir: string,
  metadata: ModelMetadata,
): Promise<void> {
  await model.save(new DirectoryModelHandler(dir));
  await fs.promises.writeFile(path.join(dir, METADATA_JSON), `${JSON.stringify(metadata, null, 2)}\n`);
}

export async function loadModelFromDir(
  tf: Tf,
  dir: string,
): Promise<{ model: LayersModel; metadata: ModelMetadata }> {
  const model = await tf.loadLayersModel(new DirectoryModelHandler(dir));
  const metadata = JSON.parse(
    await fs.promises.readFile(path.join(dir, METADATA_JSON), 'utf8'),
  ) as ModelMetadata;
  return { model, metadata };
}

/** Bytes used by the files of a saved model directory (artifacts are committed, so size matters). */
export function modelDirBytes(dir: string): number {
  return [MODEL_JSON, WEIGHTS_BIN, METADATA_JSON].reduce((sum, f) => {
    const p = path.join(dir, f);
    return sum + (fs.existsSync(p) ? fs.statSync(p).size : 0);
  }, 0);
}
