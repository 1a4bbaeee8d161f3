/**
 * Which files are compressed: decided by the file name alone, on read and on write.
 * @module
 */

/**
 * Whether a file is read (or written) as gzip: by its extension, like Beam's AUTO compression. zstd is not
 * offered: Node 20's zlib has no zstd (it arrived in Node 22.15 and 23.8), and the SDK supports Node 20.
 * @example
 * isGzip("logs/day-1.csv.gz"); // true
 */
export function isGzip(filePath: string): boolean {
  return filePath.toLowerCase().endsWith(".gz");
}
