interface ImportMetaEnv {
  readonly VITE_AICADO_API_BASE: string;
}
