// gltf-validator ships no type declarations; this covers the call the tests make.
declare module 'gltf-validator' {
  interface ValidatorMessage {
    code: string;
    message: string;
    severity: number;
    pointer?: string;
  }
  interface ValidatorReport {
    issues: {
      numErrors: number;
      numWarnings: number;
      numInfos: number;
      numHints: number;
      messages: ValidatorMessage[];
    };
  }
  const validator: {
    validateBytes(
      bytes: Uint8Array,
      options?: { maxIssues?: number; uri?: string },
    ): Promise<ValidatorReport>;
  };
  export default validator;
}
