/**
 * The assets/ folder. Resolved from this file, which sits one level below the project root
 * both as a source (src/) and inside the compiled build (dist/cli.js).
 */
export const ASSET_DIR = new URL('../assets/', import.meta.url);
