/** Float32 arrays as base64 text (little-endian bytes), for head files. */

export function float32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk)
    s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

export function base64ToFloat32(text: string): Float32Array {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new RangeError('weights are not valid base64');
  }
  if (s.length % 4 !== 0) throw new RangeError('weights are not whole float32 values');
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
