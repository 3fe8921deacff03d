// @cornerstonejs/codec-openjph ships no types: its Emscripten module factory (CommonJS default export).
declare module "@cornerstonejs/codec-openjph" {
  const factory: (options?: {
    print?: (s: string) => void;
    printErr?: (s: string) => void;
  }) => Promise<unknown>;
  export default factory;
}
