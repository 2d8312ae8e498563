import v8 from 'node:v8';
import { JointModel } from './joint-model';
import { MetricModel } from './metric-model';
import { OnlineDetector } from './online-detector';
import { SlotFile } from './slot-file';

/** The classes a detector is made of; anything else in it must be one of the shared objects. */
const CLASSES = [OnlineDetector, MetricModel, JointModel] as const;
const VIEWS = [Float64Array, Float32Array, Uint16Array, Uint8Array, Int32Array, Uint32Array] as const;
/** By name: a test runner's realm may make typed arrays whose buffers are not this realm's ArrayBuffer. */
const VIEW_NAMES: readonly string[] = VIEWS.map((View) => View.name);
/** The smallest slot: a five-metric detector takes ≈ 6 KB. */
const MIN_SLOT_BYTES = 4096;

type Encoded =
  | number
  | string
  | boolean
  | null
  | undefined
  | Encoded[]
  /** a typed array: its type in VIEWS, which of the record's buffers, where in it, how long */
  | { v: number; b: number; o: number; l: number }
  /** one of the shared objects, by index */
  | { r: number }
  /** an instance of CLASSES[c], its own fields' values, named by the list of field names k */
  | { c: number; k: number; f: Encoded[] };

/** What encode cannot write, and where (filled in as it unwinds). */
class CannotPark extends Error {
  path = '';
}

interface Record_ {
  root: Encoded;
  buffers: Uint8Array[];
}

interface ParkedAt {
  file: SlotFile;
  slot: number;
  length: number;
}

/**
 * Whole detectors of quiet devices kept in a file instead of in memory (ADR 0020). A device that
 * reports every 10 to 30 seconds holds ≈ 9 KB of detector (its metric models' buffers, its joint
 * model, their objects) that nothing reads between two of its readings; parked, it costs an entry
 * here (≈ 100 bytes) and a slot of a file, and its next reading brings it back (a read of a few KB,
 * from the page cache). A detector is written as it is, field by field, its typed arrays as views
 * of the buffers they share, so it comes back bit for bit what it was, paged profile slots
 * (ProfilePages) included, which stay allocated while it is parked.
 *
 * Slots come in powers of two from 4 KB, one SlotFile each, so a slot freed by one device fits
 * the next one of its size.
 */
export class ParkedDetectors {
  private readonly files = new Map<number, SlotFile>();
  private readonly parked = new Map<string, ParkedAt>();
  /**
   * The field names of the instances written, each list once (every MetricModel has the same):
   * a record holds an instance's values and the index of its names here, not the names again.
   */
  private readonly fieldNames: string[][] = [];

  /**
   * dir: where the files go; shared: the objects detectors refer to but do not own (their
   * configuration, the profile pages), which a parked detector refers to again when it comes back.
   */
  constructor(
    private readonly dir: string,
    private readonly shared: readonly object[],
  ) {}

  /** Devices parked. */
  get count(): number {
    return this.parked.size;
  }

  /** Bytes of the files (every slot ever handed out). */
  get fileBytes(): number {
    let bytes = 0;
    for (const file of this.files.values()) bytes += file.fileBytes;
    return bytes;
  }

  has(deviceId: string): boolean {
    return this.parked.has(deviceId);
  }

  /** Parked devices, first parked first. */
  keys(): IterableIterator<string> {
    return this.parked.keys();
  }

  /**
   * Writes the detector out; the caller drops it from memory. Throws where it cannot be written
   * (an object in it that is neither its own nor shared, a full disk): then it stays in memory.
   */
  park(deviceId: string, detector: OnlineDetector): void {
    if (this.parked.has(deviceId)) throw new Error(`${deviceId} is parked already`);
    const buffers: ArrayBuffer[] = [];
    let root: Encoded;
    try {
      root = this.encode(detector, buffers);
    } catch (error) {
      if (error instanceof CannotPark) throw new Error(`cannot park detector${error.path}: ${error.message}`);
      throw error;
    }
    const record: Record_ = { root, buffers: buffers.map((buffer) => new Uint8Array(buffer)) };
    const bytes = v8.serialize(record);
    const file = this.fileFor(bytes.length);
    const slot = file.allocate();
    try {
      file.write(slot, 0, bytes);
    } catch (error) {
      file.release(slot);
      throw error;
    }
    this.parked.set(deviceId, { file, slot, length: bytes.length });
  }

  /** The device's detector as it was parked, no longer parked; undefined if it is not. */
  unpark(deviceId: string): OnlineDetector | undefined {
    const at = this.parked.get(deviceId);
    if (!at) return undefined;
    const bytes = Buffer.allocUnsafe(at.length);
    at.file.read(at.slot, 0, bytes);
    const record = v8.deserialize(bytes) as Record_;
    // each buffer of its own, exactly as long as the original (deserialize may hand out views of one)
    const buffers = record.buffers.map((view) => view.slice().buffer);
    const detector = this.decode(record.root, buffers) as OnlineDetector;
    this.parked.delete(deviceId);
    at.file.release(at.slot);
    return detector;
  }

  close(): void {
    for (const file of this.files.values()) file.close();
    this.files.clear();
    this.parked.clear();
  }

  private fileFor(length: number): SlotFile {
    let slotBytes = MIN_SLOT_BYTES;
    while (slotBytes < length) slotBytes *= 2;
    let file = this.files.get(slotBytes);
    if (!file) {
      file = new SlotFile(this.dir, slotBytes, 'parked');
      this.files.set(slotBytes, file);
    }
    return file;
  }

  private encode(value: unknown, buffers: ArrayBuffer[]): Encoded {
    if (typeof value !== 'object' || value === null) {
      const type = typeof value;
      if (type === 'function' || type === 'symbol' || type === 'bigint') throw new CannotPark(`a ${type}`);
      return value as Encoded;
    }
    const shared = this.shared.indexOf(value);
    if (shared >= 0) return { r: shared };
    if (Array.isArray(value)) {
      const items = new Array<Encoded>(value.length);
      for (let i = 0; i < value.length; i++) items[i] = this.encodeIn(value[i], buffers, `[${i}]`);
      return items;
    }
    if (ArrayBuffer.isView(value)) {
      const v = VIEW_NAMES.indexOf((value as Float64Array)[Symbol.toStringTag]);
      if (v < 0 || Object.prototype.toString.call(value.buffer) !== '[object ArrayBuffer]') {
        throw new CannotPark('a view of another kind');
      }
      let b = buffers.indexOf(value.buffer as ArrayBuffer);
      if (b < 0) b = buffers.push(value.buffer as ArrayBuffer) - 1;
      return { v, b, o: value.byteOffset, l: (value as Float64Array).length };
    }
    const c = CLASSES.findIndex((Class) => Object.getPrototypeOf(value) === Class.prototype);
    if (c < 0) throw new CannotPark('an object of neither the detector nor shared');
    const keys = Object.keys(value);
    const f = new Array<Encoded>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      f[i] = this.encodeIn((value as Record<string, unknown>)[keys[i]], buffers, `.${keys[i]}`);
    }
    return { c, k: this.fieldNamesIndex(keys), f };
  }

  /** encode, naming where the value is when it cannot be written. */
  private encodeIn(value: unknown, buffers: ArrayBuffer[], at: string): Encoded {
    // most fields are numbers
    if (typeof value === 'number') return value;
    try {
      return this.encode(value, buffers);
    } catch (error) {
      if (error instanceof CannotPark) error.path = at + error.path;
      throw error;
    }
  }

  private decode(value: Encoded, buffers: ArrayBuffer[]): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.decode(item, buffers));
    if ('r' in value) return this.shared[value.r];
    if ('v' in value) return new VIEWS[value.v](buffers[value.b], value.o, value.l);
    const instance = Object.create(CLASSES[value.c].prototype) as Record<string, unknown>;
    const keys = this.fieldNames[value.k];
    for (let i = 0; i < keys.length; i++) instance[keys[i]] = this.decode(value.f[i], buffers);
    return instance;
  }

  private fieldNamesIndex(keys: string[]): number {
    const known = this.fieldNames.findIndex(
      (names) => names.length === keys.length && names.every((name, i) => name === keys[i]),
    );
    return known >= 0 ? known : this.fieldNames.push(keys) - 1;
  }
}
