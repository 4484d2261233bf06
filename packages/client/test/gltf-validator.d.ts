/** The part of gltf-validator's API the client tests use (the package ships no types). */
declare module 'gltf-validator' {
  interface ValidationReport {
    issues: { numErrors: number; numWarnings: number; messages: { code: string; message: string }[] };
  }
  const validator: {
    validateBytes(data: Uint8Array, options?: { maxIssues?: number }): Promise<ValidationReport>;
  };
  export default validator;
}
