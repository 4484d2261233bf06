/** Image decoding, encoding and the per-model decode cache (sharp, loaded on first use). */
export {
  canDecode,
  type DecodedImage,
  decodeImage,
  type EncodeImageOptions,
  encodeImage,
  type ImageFormat,
  imageFormatOf,
  isOpaque,
} from './decode-image.js';
export { ImageCache } from './image-cache.js';
