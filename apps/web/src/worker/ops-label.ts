/**
 * Labelling mode (issue 15): one LabellingSession of the library, its pool embedded once with the loaded model
 * (feature cache first), every change stored in IndexedDB before the page hears of it (label-store.ts).
 */
import {
  cachedFeatures,
  createIdbFeatureCache,
  createLabellingSession,
  DataError,
  labelSetFrom,
  labelSetFromLines,
  labelSetToCsv,
  labelSetToJsonl,
  parseLabelSet,
  resolveTrainOptions,
  restoreLabellingSession,
  TrainingError,
  UNLABELLED,
  UsageError,
  type FeatureCache,
  type FeatureMatrix,
  type LabellingSession,
  type LabellingState,
  type LabelSet,
  type LoadedModel,
} from './core';
import { state, type OpContext } from './context';
import { clearSession, readSession, writePool, writeSession, type StoredMeta } from './label-store';
import type { TrainProgressMsg } from './protocol';
import type {
  LabelActionMsg,
  LabelFilterMsg,
  LabelImportMsg,
  LabelItemMsg,
  LabelSourceMsg,
  LabelStoredMsg,
  LabelViewMsg,
} from './protocol-label';

/** Pool texts are embedded at up to this many tokens: suggestions need a good-enough embedding, fast. */
const LABEL_MAX_LENGTH = 128;
const SUGGESTIONS = 3;
const RECENT = 8;

interface Live {
  readonly session: LabellingSession;
  /** Raw pooled features of the pool texts (what a rebuilt session starts from). */
  readonly poolFeatures: FeatureMatrix;
  meta: StoredMeta;
}
let live: Live | undefined;

let cache: FeatureCache | undefined;
const featureCache = () => (typeof indexedDB === 'undefined' ? undefined : (cache ??= createIdbFeatureCache()));

function needModel(): LoadedModel {
  if (!state.model) throw new TrainingError('No model is loaded', 'load a model in step 1 first: it embeds the texts');
  return state.model;
}

function needLive(): Live {
  if (!live) throw new UsageError('No labelling session is open', 'start one, or resume the stored one');
  return live;
}

/** The loaded model's pooled features for `texts` (feature cache first), with tokenize / embed progress. */
async function embed(
  model: LoadedModel,
  texts: readonly string[],
  ctx: OpContext<TrainProgressMsg> | undefined,
  useCache = true,
): Promise<FeatureMatrix> {
  const o = resolveTrainOptions({}, model);
  const started = performance.now();
  const report = (stage: 'tokenize' | 'embed') => (done: number, total: number) => {
    const ms = performance.now() - started;
    ctx?.progress({ stage, done, total, etaMs: done > 0 ? (ms / done) * (total - done) : undefined });
  };
  const r = await cachedFeatures(model, texts, {
    pooling: o.pooling === 'flatten' ? 'mean' : o.pooling,
    normalize: model.info.normalize,
    maxLength: Math.min(LABEL_MAX_LENGTH, o.maxLength),
    batchSize: o.embedBatchSize,
    cache: useCache ? featureCache() : undefined,
    signal: ctx?.signal,
    onTokenize: report('tokenize'),
    onEmbed: report('embed'),
  });
  if (r.cached) ctx?.progress({ stage: 'embed', done: texts.length, total: texts.length, etaMs: 0, fromCache: true });
  return r.features;
}

async function readLabelSource(source: LabelSourceMsg, classes: readonly string[]): Promise<LabelSet> {
  if (source.kind === 'lines') return labelSetFromLines(source.text, classes);
  if (source.kind === 'file') {
    const { file } = source;
    if (/\.txt$/i.test(file.name)) return labelSetFromLines(await file.text(), classes);
    return parseLabelSet(new Uint8Array(await file.arrayBuffer()), { fileName: file.name, classes }).set;
  }
  const res = await fetch(source.url);
  if (!res.ok) {
    throw new DataError(
      `The built-in dataset is missing (${res.status} for ${source.url})`,
      'start the app with `npm start` (or build it with `npm run build`), which prepares it',
    );
  }
  const data = parseLabelSet(new Uint8Array(await res.arrayBuffer()), { fileName: 'builtin.jsonl' }).set;
  // labels hidden: the user names the classes and labels the e-mails themselves
  return labelSetFrom({ texts: [...data.texts], labels: data.texts.map(() => '') }, classes);
}

function view(): LabelViewMsg {
  const { session, meta } = needLive();
  const s = session.state();
  const recent: LabelItemMsg[] = [];
  const seen = new Set<number>();
  for (let i = s.history.length - 1; i >= 0 && recent.length < RECENT; i--) {
    const a = s.history[i]!;
    if (a.kind === 'skip' || seen.has(a.index)) continue;
    seen.add(a.index);
    const label = session.labelOf(a.index);
    if (label !== UNLABELLED) recent.push(item(session, a.index));
  }
  return {
    name: meta.name,
    classes: [...session.classes],
    size: session.size,
    labelled: session.labelledCount,
    perClass: session.perClass(),
    curve: [...session.curve],
    suggestions: session.suggest(SUGGESTIONS).map((x) => ({
      index: x.index,
      text: session.texts[x.index] ?? '',
      reason: x.reason,
      scores: x.scores,
    })),
    recent,
    canUndo: s.history.length > 0,
    randomInit: meta.randomInit,
    modelSource: meta.modelSource,
    untilRetrain: Math.max(1, session.settings.retrainEvery - s.changesSinceRetrain),
  };
}

function item(session: LabellingSession, index: number): LabelItemMsg {
  return {
    index,
    text: session.texts[index] ?? '',
    label: session.labelOf(index),
    skipped: session.isSkipped(index),
  };
}

const persist = async (l: Live) => {
  l.meta = { ...l.meta, savedAt: new Date().toISOString() };
  await writeSession({ meta: l.meta, state: l.session.state() });
};

export async function labelStart(
  source: LabelSourceMsg,
  classes: string[],
  ctx: OpContext<TrainProgressMsg>,
): Promise<LabelViewMsg> {
  const model = needModel();
  const set = await readLabelSource(source, classes);
  const poolFeatures = await embed(model, set.texts, ctx);
  const session = createLabellingSession({ set, features: poolFeatures });
  const meta: StoredMeta = {
    name: source.kind === 'file' ? source.file.name : source.name,
    modelSource: model.info.source,
    randomInit: model.info.randomInit,
    savedAt: new Date().toISOString(),
    poolId: crypto.randomUUID(),
  };
  // stored first: only a session that is safely stored replaces the current one
  await writePool(meta.poolId, set.texts, { meta, state: session.state() });
  live = { session, poolFeatures, meta };
  return view();
}

/** The stored session, live again with the loaded model: pool features from the cache, typed texts re-embedded. */
export async function labelResume(ctx: OpContext<TrainProgressMsg>): Promise<LabelViewMsg> {
  const model = needModel();
  const stored = await readSession();
  if (!stored) throw new UsageError('There is no stored labelling session', 'start one');
  const { state: s } = stored;
  const poolFeatures = await embed(model, s.texts.slice(0, s.poolSize), ctx);
  const typed = s.texts.slice(s.poolSize);
  const typedFeatures = typed.length > 0 ? await embed(model, typed, undefined, false) : undefined;
  const restored: LabellingState = {
    ...s,
    dim: poolFeatures.dim,
    addedFeatures: typedFeatures ? Array.from(typedFeatures.data) : [],
  };
  const session = restoreLabellingSession(restored, poolFeatures);
  live = { session, poolFeatures, meta: { ...stored.meta, modelSource: model.info.source } };
  return view();
}

export async function labelStored(): Promise<LabelStoredMsg | undefined> {
  const stored = await readSession();
  if (!stored) return undefined;
  const { state: s, meta } = stored;
  const perClass = s.classes.map(() => 0);
  for (const l of s.labels) if (l !== UNLABELLED) perClass[l] = (perClass[l] ?? 0) + 1;
  return {
    name: meta.name,
    classes: s.classes,
    size: s.texts.length,
    labelled: s.labels.filter((l) => l !== UNLABELLED).length,
    perClass,
    modelSource: meta.modelSource,
    savedAt: meta.savedAt,
  };
}

export async function labelAct(action: LabelActionMsg): Promise<LabelViewMsg> {
  const l = needLive();
  const s = l.session;
  switch (action.kind) {
    case 'label':
      s.label(action.index, action.cls);
      break;
    case 'skip':
      s.skip(action.index);
      break;
    case 'undo':
      s.undo();
      break;
    case 'add': {
      const text = action.text.trim();
      if (text === '') throw new UsageError('The example is empty', 'type a text');
      const f = await embed(needModel(), [text], undefined, false);
      s.addExample(text, action.cls, f.data);
      break;
    }
    case 'addClass':
      s.addClass(action.name);
      break;
    case 'retrain':
      s.retrain();
      break;
  }
  await persist(l);
  return view();
}

export function labelPage(
  offset: number,
  limit: number,
  filter: LabelFilterMsg,
): { items: LabelItemMsg[]; total: number } {
  const { session } = needLive();
  const rows: number[] = [];
  for (let i = 0; i < session.size; i++) {
    const labelled = session.labelOf(i) !== UNLABELLED;
    if (filter === 'all' || (filter === 'labelled') === labelled) rows.push(i);
  }
  const start = Math.max(0, Math.min(offset, rows.length));
  return { items: rows.slice(start, start + Math.max(1, limit)).map((i) => item(session, i)), total: rows.length };
}

/**
 * Labels from a file merged into the session: unlabelled texts of the session take the file's label, labelled
 * texts keep theirs (a differing one is counted as a conflict), labelled texts the session lacks are added as typed
 * examples. The file is read and its new texts embedded before anything changes; the session is then rebuilt from
 * the merged labels (one fit, not one per label; undo starts over from here).
 */
export async function labelImport(file: File): Promise<LabelImportMsg> {
  const l = needLive();
  const old = l.session.state();
  const parsed = /\.txt$/i.test(file.name)
    ? labelSetFromLines(await file.text(), old.classes)
    : parseLabelSet(new Uint8Array(await file.arrayBuffer()), { fileName: file.name, classes: old.classes }).set;
  const where = new Map<string, number>();
  old.texts.forEach((t, i) => where.has(t) || where.set(t, i));
  const labels = [...old.labels];
  const newTexts: string[] = [];
  const newLabels: number[] = [];
  let labelled = 0;
  let conflicts = 0;
  parsed.texts.forEach((t, r) => {
    const label = parsed.labels[r] as number; // file classes start with the session's, in its order
    if (label === UNLABELLED) return;
    const i = where.get(t);
    if (i === undefined) {
      where.set(t, old.texts.length + newTexts.length);
      newTexts.push(t);
      newLabels.push(label);
    } else if (labels[i] === UNLABELLED) {
      labels[i] = label;
      labelled++;
    } else if (labels[i] !== label) conflicts++;
  });
  const added = newTexts.length > 0 ? await embed(needModel(), newTexts, undefined, false) : undefined;
  const merged: LabellingState = {
    ...old,
    classes: [...parsed.classes],
    texts: [...old.texts, ...newTexts],
    labels: [...labels, ...newLabels],
    skipped: old.skipped.filter((i) => labels[i] === UNLABELLED),
    addedFeatures: [...old.addedFeatures, ...(added ? Array.from(added.data) : [])],
    history: [],
    changesSinceRetrain: 0,
  };
  const session = restoreLabellingSession(merged, l.poolFeatures);
  session.retrain();
  const next: Live = { session, poolFeatures: l.poolFeatures, meta: l.meta };
  await persist(next);
  live = next;
  return { view: view(), labelled, added: newTexts.length, conflicts };
}

/** The labels as CSV / JSONL: from the live session, else from IndexedDB (no model needed). */
export async function labelExport(
  format: 'csv' | 'jsonl',
  labelledOnly: boolean,
): Promise<{ fileName: string; text: string; rows: number }> {
  let set: LabelSet;
  let name: string;
  if (live) {
    set = live.session.labelSet();
    name = live.meta.name;
  } else {
    const stored = await readSession();
    if (!stored) throw new UsageError('There are no labels to export yet', 'start a labelling session');
    set = { classes: stored.state.classes, texts: stored.state.texts, labels: stored.state.labels };
    name = stored.meta.name;
  }
  const text = format === 'csv' ? labelSetToCsv(set, { labelledOnly }) : labelSetToJsonl(set, { labelledOnly });
  const rows = labelledOnly ? set.labels.filter((x) => x !== UNLABELLED).length : set.texts.length;
  const base =
    name
      .replace(/\.[^.]*$/, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'labels';
  return { fileName: `${base}-labels.${format}`, text, rows };
}

export async function labelDiscard(): Promise<{ discarded: boolean }> {
  const had = live !== undefined || (await readSession().catch(() => undefined)) !== undefined;
  await clearSession();
  live = undefined;
  return { discarded: had };
}
