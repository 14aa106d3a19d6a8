// `import text from "./file?raw"`: the file's text (vitest natively, scripts/build.mjs for the bundle).
declare module "*?raw" {
  const text: string;
  export default text;
}
