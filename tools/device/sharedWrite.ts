/**
 * onnxruntime-web's WebGPU build keeps its memory in a SharedArrayBuffer and hands
 * `queue.writeBuffer` views of it. Chromium takes those; Dawn's Node binding refused them with
 * "Invalid argument" on the first GPU run (2026-12-04, H200). Copy such views into an ordinary
 * ArrayBuffer first; everything else passes through unchanged.
 */
export function acceptSharedMemory(queueClass: { prototype: GPUQueue }): void {
  const proto = queueClass.prototype as GPUQueue & { diffprobeShared?: boolean };
  if (proto.diffprobeShared) return;
  const write = proto.writeBuffer;
  proto.writeBuffer = function (
    this: GPUQueue,
    buffer: GPUBuffer,
    offset: GPUSize64,
    data: BufferSource | SharedArrayBuffer,
    dataOffset?: GPUSize64,
    size?: GPUSize64,
  ): undefined {
    const view = ArrayBuffer.isView(data) ? data : null;
    const backing = view ? view.buffer : data;
    // By tag, not instanceof: the memory may come from another realm (a vm context, a worker).
    if (Object.prototype.toString.call(backing) === '[object SharedArrayBuffer]') {
      const unit = view && 'BYTES_PER_ELEMENT' in view ? Number(view.BYTES_PER_ELEMENT) : 1;
      const start = (view?.byteOffset ?? 0) + Number(dataOffset ?? 0) * unit;
      const end =
        size === undefined
          ? (view?.byteOffset ?? 0) + (view?.byteLength ?? backing.byteLength)
          : start + Number(size) * unit;
      const copy = new Uint8Array(new Uint8Array(backing as ArrayBufferLike, start, end - start));
      return write.call(this, buffer, offset, copy, 0, copy.byteLength);
    }
    return write.call(this, buffer, offset, data as BufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];
  proto.diffprobeShared = true;
}
