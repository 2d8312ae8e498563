/**
 * Follows the MQTT framing of one connection's inbound bytes and reports the first packet
 * whose declared size exceeds the limit.
 *
 * Aedes (mqtt-packet) has no maximum packet size and buffers a whole packet before parsing
 * it, so a client could make the broker hold up to 256 MiB per connection. Reading only the
 * fixed header lets the gateway drop such a connection before the body arrives.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private remainingLength = 0;
  private lengthMultiplier = 1;
  private lengthBytes = 0;
  private bodyBytesLeft = 0;
  private rejected = false;

  constructor(private readonly maxPacketBytes: number) {}

  /** False once a packet (fixed header included) is larger than the limit or its length is malformed. */
  accept(chunk: Buffer): boolean {
    if (this.rejected) return false;
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'type':
          i += 1;
          this.state = 'length';
          this.remainingLength = 0;
          this.lengthMultiplier = 1;
          this.lengthBytes = 0;
          break;
        case 'length': {
          const byte = chunk[i];
          i += 1;
          this.remainingLength += (byte & 0x7f) * this.lengthMultiplier;
          this.lengthMultiplier *= 128;
          this.lengthBytes += 1;
          if ((byte & 0x80) === 0) {
            if (1 + this.lengthBytes + this.remainingLength > this.maxPacketBytes) return this.reject();
            this.bodyBytesLeft = this.remainingLength;
            this.state = this.bodyBytesLeft > 0 ? 'body' : 'type';
          } else if (this.lengthBytes === 4) {
            // MQTT allows at most four length bytes.
            return this.reject();
          }
          break;
        }
        case 'body': {
          const taken = Math.min(this.bodyBytesLeft, chunk.length - i);
          i += taken;
          this.bodyBytesLeft -= taken;
          if (this.bodyBytesLeft === 0) this.state = 'type';
          break;
        }
      }
    }
    return true;
  }

  private reject(): false {
    this.rejected = true;
    return false;
  }
}
