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

/** What a value in a record is: its tag byte, then its bytes. */
const NUMBER = 0;
const STRING = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const UNDEFINED = 5;
/** u32 length, then the items */
const ARRAY = 6;
/** u8 type in VIEWS, u32 buffer (index in the record), u32 byte offset, u32 length */
const VIEW = 7;
/** u8 index in `shared` */
const SHARED = 8;
/** u8 class in CLASSES, u32 list of field names, then each field's value */
const INSTANCE = 9;

/** What encode cannot write, and where (filled in as it unwinds). */
class CannotPark extends Error {
  path = '';
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
  /** The record being written or read, and where in it. */
  private bytes = Buffer.allocUnsafe(MIN_SLOT_BYTES * 2);
  private at = 0;

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
   *
   * A record: u32 length of the values, the values (tagged, depth first from the detector), then
   * u32 count of buffers and each buffer's u32 length and bytes. Written in one reused buffer, so
   * a park allocates nothing but its own bookkeeping.
   */
  park(deviceId: string, detector: OnlineDetector): void {
    if (this.parked.has(deviceId)) throw new Error(`${deviceId} is parked already`);
    const buffers: ArrayBuffer[] = [];
    this.at = 4;
    try {
      this.write(detector, buffers);
    } catch (error) {
      if (error instanceof CannotPark) throw new Error(`cannot park detector${error.path}: ${error.message}`);
      throw error;
    }
    this.bytes.writeUInt32LE(this.at - 4, 0);
    this.u32(buffers.length);
    for (const buffer of buffers) {
      this.u32(buffer.byteLength);
      this.room(buffer.byteLength);
      this.bytes.set(new Uint8Array(buffer), this.at);
      this.at += buffer.byteLength;
    }
    const length = this.at;
    const file = this.fileFor(length);
    const slot = file.allocate();
    try {
      file.write(slot, 0, this.bytes, length);
    } catch (error) {
      file.release(slot);
      throw error;
    }
    this.parked.set(deviceId, { file, slot, length });
  }

  /** The device's detector as it was parked, no longer parked; undefined if it is not. */
  unpark(deviceId: string): OnlineDetector | undefined {
    const at = this.parked.get(deviceId);
    if (!at) return undefined;
    this.at = 0;
    this.room(at.length);
    at.file.read(at.slot, 0, this.bytes, at.length);
    // the buffers first, each of its own and as long as it was: the views are made on them
    const valuesEnd = 4 + this.bytes.readUInt32LE(0);
    this.at = valuesEnd;
    const buffers = new Array<ArrayBuffer>(this.readU32());
    for (let i = 0; i < buffers.length; i++) {
      const length = this.readU32();
      buffers[i] = new ArrayBuffer(length);
      new Uint8Array(buffers[i]).set(this.bytes.subarray(this.at, this.at + length));
      this.at += length;
    }
    this.at = 4;
    const detector = this.read(buffers) as OnlineDetector;
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

  private write(value: unknown, buffers: ArrayBuffer[]): void {
    switch (typeof value) {
      case 'number':
        this.room(9);
        this.bytes[this.at++] = NUMBER;
        this.bytes.writeDoubleLE(value, this.at);
        this.at += 8;
        return;
      case 'string': {
        const length = Buffer.byteLength(value);
        this.room(5 + length);
        this.bytes[this.at++] = STRING;
        this.bytes.writeUInt32LE(length, this.at);
        this.at += 4 + this.bytes.write(value, this.at + 4);
        return;
      }
      case 'boolean':
        this.tag(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.tag(UNDEFINED);
        return;
      case 'object':
        break;
      case 'bigint':
      case 'function':
      case 'symbol':
        throw new CannotPark(`a ${typeof value}`);
    }
    if (value === null) return this.tag(NULL);
    const shared = this.shared.indexOf(value);
    if (shared >= 0) {
      this.tag(SHARED);
      this.tag(shared);
      return;
    }
    if (Array.isArray(value)) {
      this.tag(ARRAY);
      this.u32(value.length);
      for (let i = 0; i < value.length; i++) this.writeIn(value[i], buffers, `[${i}]`);
      return;
    }
    if (ArrayBuffer.isView(value)) {
      const v = VIEW_NAMES.indexOf((value as Float64Array)[Symbol.toStringTag]);
      if (v < 0 || Object.prototype.toString.call(value.buffer) !== '[object ArrayBuffer]') {
        throw new CannotPark('a view of another kind');
      }
      let b = buffers.indexOf(value.buffer as ArrayBuffer);
      if (b < 0) b = buffers.push(value.buffer as ArrayBuffer) - 1;
      this.tag(VIEW);
      this.tag(v);
      this.u32(b);
      this.u32(value.byteOffset);
      this.u32((value as Float64Array).length);
      return;
    }
    const c = CLASSES.findIndex((Class) => Object.getPrototypeOf(value) === Class.prototype);
    if (c < 0) throw new CannotPark('an object of neither the detector nor shared');
    const keys = Object.keys(value);
    this.tag(INSTANCE);
    this.tag(c);
    this.u32(this.fieldNamesIndex(keys));
    for (const key of keys) this.writeIn((value as Record<string, unknown>)[key], buffers, `.${key}`);
  }

  /** write, naming where the value is when it cannot be written. */
  private writeIn(value: unknown, buffers: ArrayBuffer[], at: string): void {
    try {
      this.write(value, buffers);
    } catch (error) {
      if (error instanceof CannotPark) error.path = at + error.path;
      throw error;
    }
  }

  private read(buffers: ArrayBuffer[]): unknown {
    const bytes = this.bytes;
    switch (bytes[this.at++]) {
      case NUMBER: {
        const value = bytes.readDoubleLE(this.at);
        this.at += 8;
        return value;
      }
      case STRING: {
        const length = this.readU32();
        const value = bytes.toString('utf8', this.at, this.at + length);
        this.at += length;
        return value;
      }
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case ARRAY: {
        const items = new Array<unknown>(this.readU32());
        for (let i = 0; i < items.length; i++) items[i] = this.read(buffers);
        return items;
      }
      case VIEW: {
        const View = VIEWS[bytes[this.at++]];
        const buffer = buffers[this.readU32()];
        const byteOffset = this.readU32();
        return new View(buffer, byteOffset, this.readU32());
      }
      case SHARED:
        return this.shared[bytes[this.at++]];
      case INSTANCE: {
        const instance = Object.create(CLASSES[bytes[this.at++]].prototype) as Record<string, unknown>;
        const keys = this.fieldNames[this.readU32()];
        for (const key of keys) instance[key] = this.read(buffers);
        return instance;
      }
      default:
        throw new Error(`parked detector: unknown tag ${bytes[this.at - 1]} at ${this.at - 1}`);
    }
  }

  /** Room for n more bytes in the reused buffer (grown, its bytes so far kept). */
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

  private tag(byte: number): void {
    this.room(1);
    this.bytes[this.at++] = byte;
  }

  private u32(n: number): void {
    this.room(4);
    this.bytes.writeUInt32LE(n, this.at);
    this.at += 4;
  }

  private readU32(): number {
    const n = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    return n;
  }

  private fieldNamesIndex(keys: string[]): number {
    const known = this.fieldNames.findIndex(
      (names) => names.length === keys.length && names.every((name, i) => name === keys[i]),
    );
    return known >= 0 ? known : this.fieldNames.push(keys) - 1;
  }
}
