import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from './lib/client-instance';
import { initialBackend, initialEndpoint, store } from './lib/settings';
import { useModel } from './hooks/useModel';
import { useDataset } from './hooks/useDataset';
import { useTraining } from './hooks/useTraining';
import { useSaved } from './hooks/useSaved';
import { BackendBar } from './components/BackendBar';
import { ModelPanel } from './components/ModelPanel';
import { DataPanel } from './components/DataPanel';
import { DEFAULT_TRAIN, TrainPanel } from './components/TrainPanel';
import { EvaluatePanel } from './components/EvaluatePanel';
import { TryPanel } from './components/TryPanel';
import { KeepPanel } from './components/KeepPanel';
import { ErrorBox, toUiError, type UiError } from './components/ErrorBox';
import { DemoModel } from './components/DemoModel';
import { ReusePanel } from './components/ReusePanel';
import { FineTuneEstimate } from './components/FineTuneEstimate';
import { betterOnValidation, FrozenBetterWarning, type FrozenRun } from './components/FrozenBetterWarning';
import { LabelPanel } from './components/LabelPanel';
import { ExportPanel } from './components/ExportPanel';
import { Step } from './components/Step';
import type { BackendInfo, BackendPref, ClassifierSummary, ModelSourceMsg, TrainOptionsMsg } from './worker/protocol';

/** Largest trained-classifier zip the page keeps a copy of (fine-tuned bundles include the encoder). */
const MAX_KEPT_BUNDLE = 64 * 1024 * 1024;

export function App() {
  const [endpoint, setEndpointState] = useState(initialEndpoint);
  const [backendPref, setBackendPref] = useState<BackendPref>(initialBackend);
  const [backend, setBackend] = useState<BackendInfo | undefined>(undefined);
  const [appError, setAppError] = useState<UiError | undefined>(undefined);
  const [classifier, setClassifier] = useState<ClassifierSummary | undefined>(undefined);
  const [clfVersion, setClfVersion] = useState(0);
  const [trainOptions, setTrainOptions] = useState<TrainOptionsMsg>(DEFAULT_TRAIN);
  const lastModel = useRef<ModelSourceMsg | undefined>(undefined);
  /** Which dataset and model the report on screen came from (set with each report). */
  const [reportFrom, setReportFrom] = useState<string | undefined>(undefined);
  /** Dataset and model of the training in progress, named in its results. */
  const trainingFrom = useRef('');
  /** The last frozen run (zip copy), to compare a fine-tuned run with and to keep instead of it. */
  const frozenRun = useRef<FrozenRun | undefined>(undefined);
  const [frozenBetter, setFrozenBetter] = useState<FrozenRun | undefined>(undefined);
  const workerGen = useRef(client.generation);

  const model = useModel(endpoint);
  const data = useDataset();
  const onClassifier = useCallback((c: ClassifierSummary) => {
    setClassifier(c);
    setClfVersion((v) => v + 1);
  }, []);
  /**
   * Where the active classifier lives besides the worker, to restore it if the worker dies: the page keeps a zip of
   * the last trained one (when small), saved ones are in IndexedDB.
   */
  const activeCopy = useRef<{ kind: 'zip'; bytes: ArrayBuffer } | { kind: 'saved'; name: string } | undefined>(
    undefined,
  );
  const onTrained = useCallback(
    (c: ClassifierSummary) => {
      onClassifier(c);
      const from = trainingFrom.current;
      setReportFrom(`Trained on ${from}.`);
      activeCopy.current = undefined;
      const frozen = c.report?.encoder.fine_tune_layers === 0;
      const previous = frozenRun.current;
      setFrozenBetter(
        !frozen && c.report && previous?.from === from && betterOnValidation(previous.summary.report, c.report)
          ? previous
          : undefined,
      );
      client.run('exportZip', {}).then(
        ({ bytes }) => {
          if (bytes.byteLength <= MAX_KEPT_BUNDLE) activeCopy.current = { kind: 'zip', bytes };
          if (frozen && bytes.byteLength <= MAX_KEPT_BUNDLE) frozenRun.current = { from, bytes, summary: c };
        },
        () => undefined, // without a copy, a worker crash loses the unsaved classifier (the report stays)
      );
    },
    [onClassifier],
  );
  const training = useTraining(onTrained);
  const { adopt: adoptModel } = model;
  const { showReport } = training;
  /** One state: a loaded classifier brings its stored report (Evaluate) and, when it carries it, its encoder (step 1). */
  const onLoadedSaved = useCallback(
    (c: ClassifierSummary) => {
      onClassifier(c);
      if (c.name) activeCopy.current = { kind: 'saved', name: c.name };
      if (c.model) {
        adoptModel(c.model);
        lastModel.current = undefined;
      }
      showReport(c.report);
      setReportFrom(
        c.report
          ? `Stored report of the loaded classifier ${c.name ?? ''} (trained on encoder ${c.report.encoder.source}; ${c.report.splits.test} test texts).`
          : `The loaded classifier ${c.name ?? ''} has no stored report.`,
      );
    },
    [onClassifier, adoptModel, showReport],
  );
  const saved = useSaved(onLoadedSaved, endpoint);

  const initBackend = useCallback(async (pref: BackendPref) => {
    try {
      const info = await client.run('init', { backend: pref, cancelFlags: client.cancelFlags });
      setBackend(info);
      return true;
    } catch (e) {
      setAppError(toUiError(`The ${pref} backend could not start`, e));
      return false;
    }
  }, []);

  useEffect(() => {
    let lastCrash = -Infinity;
    client.onCrash = (message) => {
      setBackend(undefined);
      // Restore at once, but not in a loop: a second crash within a minute waits for the user's next action.
      const again = performance.now() - lastCrash < 60_000;
      lastCrash = performance.now();
      setAppError({
        title: 'The training worker stopped',
        message,
        hint: `Your dataset, results and classifiers are kept${again ? '; the model is reloaded on your next action' : ' and are being restored'}. If it ran out of memory, use a smaller model, batch size or dataset.`,
        code: /memory/i.test(message) ? 'OOM' : 'INTERNAL',
      });
      if (!again) void ensureRef.current().catch(() => undefined);
    };
    void initBackend(backendPref).then(() => saved.refresh());
    // Runs once: the backend preference changes go through changeBackend.
  }, []);

  const changeBackend = async (pref: BackendPref) => {
    setBackendPref(pref);
    store('bb.backend', pref);
    setBackend(undefined);
    if ((await initBackend(pref)) && lastModel.current && model.state.summary) await model.load(lastModel.current);
  };

  const setEndpoint = (e: string) => {
    setEndpointState(e);
    store('bb.endpoint', e);
  };

  const loadModel = async (source: ModelSourceMsg) => {
    await ensureWorker();
    const summary = await model.load(source);
    if (summary) {
      lastModel.current = source;
      await applyDefaults(trainOptions.fineTuneLayers);
    }
  };

  /** Settings from the library's defaults for this model and fine-tune depth (the CLI uses the same). */
  const applyDefaults = async (fineTuneLayers: TrainOptionsMsg['fineTuneLayers']) => {
    try {
      const d = await client.run('trainDefaults', { fineTuneLayers });
      setTrainOptions((o) => ({ ...o, ...d, fineTuneLayers }));
    } catch {
      setTrainOptions((o) => ({ ...o, fineTuneLayers }));
    }
  };

  /** After a worker restart, re-send what the page still holds: backend, model and dataset. */
  const ensureWorker = async () => {
    // callers arriving while a restore runs wait for it (e.g. the labelling panel's next action after a crash)
    if (workerGen.current === client.generation) return restoring.current.catch(() => undefined);
    workerGen.current = client.generation;
    restoring.current = restoreWorker();
    return restoring.current;
  };
  const restoring = useRef<Promise<void>>(Promise.resolve());
  const restoreWorker = async () => {
    await initBackend(backendPref);
    if (lastModel.current && model.state.summary) await model.load(lastModel.current);
    if (data.state.source) await data.load(data.state.source, data.state.options, data.state.added);
    const copy = activeCopy.current;
    if (copy?.kind === 'zip') {
      // Through onClassifier: the Try step re-classifies its text with the restored classifier.
      onClassifier(await client.run('loadBundle', { bytes: copy.bytes.slice(0), name: classifier?.name, endpoint }));
    } else if (copy?.kind === 'saved') await saved.load(copy.name);
  };

  // Fine-tuning defaults depend on the dataset's size: a new dataset re-applies them (frozen ones do not change).
  const datasetRows = data.state.summary?.rows;
  useEffect(() => {
    if (datasetRows !== undefined && model.state.summary && trainOptions.fineTuneLayers !== 0)
      void applyDefaults(trainOptions.fineTuneLayers);
    // Only a new dataset triggers this.
  }, [datasetRows, data.state.summary?.name]);

  /** Labelling mode's "Train": the labelled texts become the dataset, then the normal training flow runs. */
  const trainLabels = async (csv: string, name: string, fewShot: boolean) => {
    await ensureWorker();
    const loaded = await data.load({ kind: 'text', text: csv, name });
    document.getElementById(loaded ? 'train' : 'data')?.scrollIntoView();
    if (!loaded) return;
    const options: TrainOptionsMsg = fewShot
      ? { ...trainOptions, fineTuneLayers: 0, fewShot: true }
      : { ...trainOptions, fewShot: false };
    await training.train(options, ensureWorker);
  };

  const ensureRef = useRef(ensureWorker);
  ensureRef.current = ensureWorker;

  const canTrain = Boolean(model.state.summary && data.state.summary && !model.state.loading && !data.state.loading);
  const whyNot = !model.state.summary
    ? 'Load a model first (step 1).'
    : !data.state.summary
      ? 'Load a dataset first (step 2).'
      : undefined;
  const report = training.state.report;
  const steps = [
    { id: 'model', title: 'Model', done: Boolean(model.state.summary) },
    { id: 'data', title: 'Data', done: Boolean(data.state.summary) },
    { id: 'train', title: 'Train', done: Boolean(report) },
    { id: 'evaluate', title: 'Evaluate', done: Boolean(report) },
    { id: 'try', title: 'Try', done: Boolean(classifier) },
    { id: 'keep', title: 'Keep', done: saved.saved.length > 0 },
  ];

  return (
    <>
      <header className="top">
        <h1>browser-bert</h1>
        <p>Train a text classifier on a BERT encoder, entirely in your browser. Your data never leaves this device.</p>
        <BackendBar pref={backendPref} info={backend} onChange={(b) => void changeBackend(b)} />
      </header>
      <nav className="steps" aria-label="Steps">
        <ol>
          {steps.map((s, i) => (
            <li key={s.id}>
              <a href={`#${s.id}`} className={s.done ? 'done' : ''}>
                {i + 1}. {s.title}
                {s.done ? ' ✓' : ''}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      <main>
        <ErrorBox error={appError} onDismiss={() => setAppError(undefined)} />
        <Step
          id="model"
          n={1}
          title="Model"
          lead="Pick a pretrained encoder. It is downloaded once from the model host, then cached in this browser."
          enabled
          extra={
            model.state.summary?.randomInit ? <span className="badge warn">random-init test model</span> : undefined
          }
        >
          <ModelPanel
            model={model.state}
            endpoint={endpoint}
            setEndpoint={setEndpoint}
            onLoad={(s) => void loadModel(s)}
            onRemoveCached={(id, rev) => void model.removeCached(id, rev)}
            onRefreshCache={model.refreshCache}
            onDismiss={model.dismiss}
          />
          <DemoModel busy={model.state.loading} onLoad={(s) => void loadModel(s)} />
        </Step>
        <Step
          id="data"
          n={2}
          title="Data"
          lead="Texts with a label each: the built-in e-mails, or your own file. It stays on this device."
          enabled
        >
          <DataPanel
            data={data.state}
            onLoad={(s, o) => void ensureWorker().then(() => data.load(s, o))}
            onDismiss={data.dismiss}
          />
        </Step>
        <Step
          id="label"
          n="2b"
          title="Label as you go (optional)"
          lead="No labels yet? Name the classes and label texts one at a time; the app suggests what to label next."
          enabled={Boolean(model.state.summary)}
        >
          <LabelPanel
            workerReady={Boolean(backend)}
            modelReady={Boolean(model.state.summary) && !model.state.loading}
            prepare={ensureWorker}
            onTrain={(csv, name, fewShot) => void trainLabels(csv, name, fewShot)}
          />
        </Step>
        <Step
          id="train"
          n={3}
          title="Train"
          lead="Runs in a background worker: the page stays responsive. Frozen encoder + a small head is fastest."
          enabled={canTrain}
        >
          {canTrain && data.state.summary && (
            <p className="note" data-testid="train-on">
              Trains on <b>{data.state.summary.name}</b> ({data.state.summary.rows.toLocaleString()} rows
              {data.state.summary.added ? `, ${data.state.summary.added} added from Try` : ''}) with model{' '}
              <b>{model.state.summary?.source}</b>.
            </p>
          )}
          <TrainPanel
            options={trainOptions}
            setOptions={setTrainOptions}
            onFineTuneChange={(v) => void applyDefaults(v)}
            training={training.state}
            progress={training.progress}
            layers={model.state.summary?.layers}
            canTrain={canTrain}
            whyNot={whyNot}
            onTrain={() => {
              trainingFrom.current = `dataset ${data.state.summary?.name ?? '?'} (${data.state.summary?.rows ?? '?'} rows) with model ${model.state.summary?.source ?? '?'}`;
              void training.train(trainOptions, ensureWorker);
            }}
            onCancel={training.cancel}
            onDismiss={training.dismiss}
          />
          {trainOptions.fineTuneLayers !== 0 && (
            <FineTuneEstimate options={trainOptions} disabled={!canTrain || training.state.running} />
          )}
          {frozenBetter && !training.state.running && (
            <FrozenBetterWarning
              frozen={frozenBetter.summary.report}
              tuned={report}
              onKeepFrozen={() => {
                const kept = frozenBetter;
                setFrozenBetter(undefined);
                void ensureWorker()
                  .then(() => client.run('loadBundle', { bytes: kept.bytes.slice(0), name: undefined, endpoint }))
                  .then((c) => {
                    onClassifier(c);
                    activeCopy.current = { kind: 'zip', bytes: kept.bytes };
                    training.showReport(kept.summary.report);
                    setReportFrom(`Frozen-encoder run kept (trained on ${kept.from}).`);
                  })
                  .catch((e: unknown) => setAppError(toUiError('The frozen classifier could not be restored', e)));
              }}
              onDismiss={() => setFrozenBetter(undefined)}
            />
          )}
        </Step>
        <Step
          id="evaluate"
          n={4}
          title="Evaluate"
          lead="Measured on a held-out test split the model never saw while training."
          enabled={Boolean(report)}
        >
          {report ? (
            <>
              {reportFrom && (
                <p className="note" data-testid="report-from">
                  {reportFrom}
                </p>
              )}
              <EvaluatePanel key={clfVersion} report={report} curves={training.state.curves} />
            </>
          ) : (
            <p className="note">Train to see test metrics here.</p>
          )}
        </Step>
        <Step
          id="try"
          n={5}
          title="Try it"
          lead="Classifies as you type, with the active classifier."
          enabled={Boolean(classifier)}
        >
          {classifier ? (
            <>
              <TryPanel
                version={String(clfVersion)}
                randomInit={classifier.randomInit}
                addTo={
                  data.state.summary
                    ? {
                        labels: data.state.summary.classCounts.map((c) => c.label).sort(),
                        onAdd: (text, label) =>
                          void ensureWorker()
                            .then(() => data.add({ text, label }))
                            .catch((e: unknown) => setAppError(toUiError('The text could not be added', e))),
                      }
                    : undefined
                }
              />
              <ReusePanel
                classifier={classifier}
                onRenamed={(c) => {
                  onClassifier(c);
                  if (c.report) training.showReport(c.report);
                  activeCopy.current = undefined;
                }}
              />
            </>
          ) : (
            <p className="note">Train or load a classifier first.</p>
          )}
        </Step>
        <Step
          id="keep"
          n={6}
          title="Keep and share"
          lead="Save in this browser, download the bundle, or use it on your own site."
          enabled
        >
          <KeepPanel
            active={classifier}
            saved={saved.saved}
            busy={saved.busy}
            error={saved.error}
            clfVersion={clfVersion}
            onSave={(n, includeEncoder) =>
              void saved
                .save(n, includeEncoder)
                .then((ok) => ok && classifier && setClassifier({ ...classifier, name: n }))
            }
            onOpenZip={(f) => void ensureWorker().then(() => saved.openZip(f))}
            onLoad={(n) => void ensureWorker().then(() => saved.load(n))}
            onDelete={(n) => void saved.remove(n)}
            onDownload={(includeEncoder) => void saved.download(includeEncoder)}
            onDismiss={saved.dismiss}
          />
          <ExportPanel active={classifier} version={String(clfVersion)} />
        </Step>
      </main>
    </>
  );
}
