import type { FineTuneChoice, PoolingChoice, TrainOptionsMsg } from '../worker/protocol';
import type { TrainingState } from '../hooks/useTraining';
import { formatMs } from '../lib/format';
import { ErrorBox } from './ErrorBox';
import { TrainProgressView } from './TrainProgressView';
import type { ProgressStore } from '../lib/progress-store';
import { EarlyStopNote } from './EarlyStopNote';

interface Props {
  readonly options: TrainOptionsMsg;
  readonly setOptions: (o: TrainOptionsMsg) => void;
  /** A new fine-tune depth: the page fetches the library's defaults for it (epochs, learning rates, batch size). */
  readonly onFineTuneChange: (v: FineTuneChoice) => void;
  readonly training: TrainingState;
  readonly progress: ProgressStore;
  readonly layers: number | undefined;
  readonly canTrain: boolean;
  readonly whyNot: string | undefined;
  readonly onTrain: () => void;
  readonly onCancel: () => void;
  readonly onDismiss: () => void;
}

/** Shown until a model is loaded; then the library's own defaults for that model replace them (trainDefaults). */
export const DEFAULT_TRAIN: TrainOptionsMsg = {
  pooling: 'mean',
  head: 'linear',
  hiddenUnits: 256,
  epochs: 20,
  learningRate: 0.004,
  fineTuneLayers: 0,
  fineTuneLearningRate: 5e-5,
  seed: 42,
  ratios: [0.8, 0.1, 0.1],
  batchSize: 128,
};

const POOLING: readonly { value: PoolingChoice; label: string }[] = [
  { value: 'mean', label: 'mean of tokens (recommended)' },
  { value: 'cls', label: '[CLS] token' },
  { value: 'pooler', label: 'BERT pooler (dense + tanh on [CLS])' },
  { value: 'flatten', label: 'flatten 128 × hidden (the tutorial’s baseline)' },
];

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
}) {
  return (
    <label className="field">
      {props.label}
      <input
        type="number"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v)) props.onChange(Math.min(props.max, Math.max(props.min, v)));
        }}
      />
    </label>
  );
}

/** Step 3: settings, Train / Cancel, progress with ETA and live curves. */
export function TrainPanel({
  options: o,
  setOptions,
  onFineTuneChange,
  training: t,
  progress,
  layers,
  canTrain,
  whyNot,
  onTrain,
  onCancel,
  onDismiss,
}: Props) {
  const set = (patch: Partial<TrainOptionsMsg>) => setOptions({ ...o, ...patch });
  const ratioPct = o.ratios.map((r) => Math.round(r * 100)) as [number, number, number];
  const setRatio = (i: 0 | 1, v: number) => {
    const next: [number, number, number] = [...ratioPct];
    next[i] = v;
    const test = 100 - next[0] - next[1];
    if (test < 1) return;
    set({ ratios: [next[0] / 100, next[1] / 100, test / 100] });
  };
  const fineTune: FineTuneChoice[] = [
    0,
    ...Array.from({ length: Math.max(0, (layers ?? 2) - 1) }, (_, i) => i + 1),
    'all',
  ];

  return (
    <>
      <div className="grid">
        <label className="field">
          Pooling
          <select value={o.pooling} onChange={(e) => set({ pooling: e.target.value as PoolingChoice })}>
            {POOLING.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Head
          <select value={o.head} onChange={(e) => set({ head: e.target.value as 'linear' | 'hidden' })}>
            <option value="linear">linear (softmax / sigmoid)</option>
            <option value="hidden">one hidden layer + dropout</option>
          </select>
        </label>
        {o.head === 'hidden' && (
          <NumberField
            label="Hidden units"
            value={o.hiddenUnits}
            min={4}
            max={1024}
            step={4}
            onChange={(v) => set({ hiddenUnits: v })}
          />
        )}
        <label className="field">
          Fine-tune encoder layers
          <select
            value={String(o.fineTuneLayers)}
            onChange={(e) => {
              const v = e.target.value === 'all' ? 'all' : Number(e.target.value);
              onFineTuneChange(v);
            }}
          >
            {fineTune.map((k) => (
              <option key={String(k)} value={String(k)}>
                {k === 0 ? 'frozen (fast: features computed once)' : k === 'all' ? 'all layers' : `top ${k}`}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          label="Epochs"
          value={o.epochs}
          min={1}
          max={200}
          step={1}
          onChange={(v) => set({ epochs: Math.round(v) })}
        />
        <NumberField
          label="Head learning rate"
          value={o.learningRate}
          min={1e-6}
          max={1}
          step={0.0001}
          onChange={(v) => set({ learningRate: v })}
        />
        {o.fineTuneLayers !== 0 && (
          <NumberField
            label="Encoder learning rate"
            value={o.fineTuneLearningRate}
            min={1e-7}
            max={1e-2}
            step={0.00001}
            onChange={(v) => set({ fineTuneLearningRate: v })}
          />
        )}
        <NumberField
          label="Batch size"
          value={o.batchSize}
          min={1}
          max={512}
          step={1}
          onChange={(v) => set({ batchSize: Math.round(v) })}
        />
        <NumberField
          label="Seed"
          value={o.seed}
          min={0}
          max={2 ** 31 - 1}
          step={1}
          onChange={(v) => set({ seed: Math.round(v) })}
        />
        <NumberField
          label="Train %"
          value={ratioPct[0]}
          min={10}
          max={98}
          step={1}
          onChange={(v) => setRatio(0, Math.round(v))}
        />
        <NumberField
          label="Validation %"
          value={ratioPct[1]}
          min={1}
          max={45}
          step={1}
          onChange={(v) => setRatio(1, Math.round(v))}
        />
        <label className="field">
          Test %<output>{ratioPct[2]} %</output>
        </label>
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={onTrain} disabled={!canTrain || t.running}>
          Train
        </button>
        <button type="button" onClick={onCancel} disabled={!t.running}>
          Cancel
        </button>
        {!canTrain && whyNot && <span className="note">{whyNot}</span>}
        {t.cancelled && (
          <span className="note" role="status" data-testid="train-cancelled">
            Training cancelled. The previous classifier (if any) is still active.
          </span>
        )}
        {!t.running && t.elapsedMs !== undefined && t.report && (
          <span className="note" data-testid="train-time" data-run={t.runs}>
            Train → metrics: {formatMs(t.elapsedMs)}
          </span>
        )}
      </div>
      <ErrorBox error={t.error} onDismiss={onDismiss} />
      {!t.running && t.report && <EarlyStopNote report={t.report} />}
      <TrainProgressView
        store={progress}
        visible={t.running || t.started}
        chartsReady={canTrain}
        epochsPlanned={o.epochs}
      />
    </>
  );
}
