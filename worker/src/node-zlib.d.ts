/** The part of node:zlib the run stream uses (workerd implements it under nodejs_compat; the
 * project has no @types/node). */
declare module "node:zlib" {
  interface Gzip {
    write(chunk: Uint8Array): boolean;
    flush(kind: number, callback: () => void): void;
    end(): void;
    on(event: "data", listener: (chunk: Uint8Array) => void): this;
    once(event: "end", listener: () => void): this;
  }
  export function createGzip(): Gzip;
  export const constants: { Z_SYNC_FLUSH: number };
}
