/** Settings shared by train.page.ts (Chromium) and train.browser.test.ts (the Node reference run). */
import type { TrainOptions } from '../../src/train/types';

export const FROZEN_OPTIONS: TrainOptions = { seed: 13, epochs: 6 };
export const FINE_TUNE_ROWS = 96;
export const FINE_TUNE_OPTIONS: TrainOptions = { seed: 13, epochs: 1, fineTuneLayers: 1, fineTuneLearningRate: 1e-4 };
export const PAGE_TEXTS = ['WINNER!! Claim your free prize now, call 09061701461', 'see you at lunch?', ''];
