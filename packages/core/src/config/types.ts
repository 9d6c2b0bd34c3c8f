export type HiddenAct = 'gelu' | 'gelu_new' | 'relu';

/** The fields of an HF BERT config.json that the encoder needs (snake_case in the file). */
export interface BertConfig {
  readonly modelType: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: HiddenAct;
  readonly layerNormEps: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly padTokenId: number;
  /** "absolute" only. */
  readonly positionEmbeddingType: string;
  /** Dropout on hidden states during fine-tuning (HF default 0.1; parseBertConfig always sets it). */
  readonly hiddenDropoutProb?: number;
  /** Dropout on attention probabilities during fine-tuning (HF default 0.1; parseBertConfig always sets it). */
  readonly attentionProbsDropoutProb?: number;
}
