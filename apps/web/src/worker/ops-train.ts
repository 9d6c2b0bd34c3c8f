/** Training and prediction (waiting for the library's trainClassifier: packages/core/src/train). */
import { TrainingError } from '@browser-bert/core';
import type { OpContext } from './context';
import type { ClassifierSummary, Prediction, ReportMsg, TrainOptionsMsg, TrainProgressMsg } from './protocol';

export async function train(
  _options: TrainOptionsMsg,
  _ctx: OpContext<TrainProgressMsg>,
): Promise<{ report: ReportMsg; classifier: ClassifierSummary }> {
  throw new TrainingError('training is not wired up in this build yet', 'the library trainer is still landing');
}

export async function predict(_texts: string[]): Promise<{ predictions: Prediction[]; ms: number }> {
  throw new TrainingError('no classifier yet', 'train one first');
}
