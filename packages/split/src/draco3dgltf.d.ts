// draco3dgltf ships no type declarations. This describes only what io.ts uses: the factories
// whose results glTF-Transform's KHR_draco_mesh_compression accepts as `draco3d.decoder`/`encoder`.
declare module 'draco3dgltf' {
  const draco3d: {
    createDecoderModule(options?: object): Promise<unknown>;
    createEncoderModule(options?: object): Promise<unknown>;
  };
  export default draco3d;
}
