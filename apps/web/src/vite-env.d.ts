/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Default model host, e.g. a mirror of https://huggingface.co. Overridden by ?hf_endpoint= and the settings field. */
  readonly VITE_HF_ENDPOINT?: string;
}
