/**
 * A small builder for ONNX graphs (nodes with generated unique names, initializers as raw little-endian bytes,
 * inputs/outputs with symbolic dims) that serialises with `onnx-proto` (the ONNX protobuf schema compiled for
 * protobufjs). Standard ai.onnx ops only.
 */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS: its namespace object is the default export under Node's ESM loader and bundlers
const { onnx } = onnxProto;

export const ONNX_OPSET = 17; // LayerNormalization is standard from 17; ONNX IR version 8 goes with it
const IR_VERSION = 8;

export type TensorType = 'float32' | 'float16' | 'int8' | 'int64';

const ELEM_TYPE: Readonly<Record<TensorType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int8: onnx.TensorProto.DataType.INT8,
  int64: onnx.TensorProto.DataType.INT64,
};

export type AttrValue = number | number[] | string | { float: number };

function attribute(name: string, value: AttrValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'object') return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.INT, i: value };
}

function bytesOf(data: Float32Array | Uint16Array | Int8Array | BigInt64Array): Uint8Array {
  // copy: the typed array may be a view into a larger shared buffer
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
}

export interface GraphIO {
  readonly name: string;
  readonly type: TensorType;
  /** Numbers are fixed sizes, strings are symbolic dims ("batch_size", "sequence_length"). */
  readonly dims: readonly (number | string)[];
}

export class OnnxGraph {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  /** Small constants are shared: same type, shape and values → one initializer. */
  private readonly constants = new Map<string, string>();

  /** A fresh value name based on `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node and returns its (single) output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, hint = opType): string {
    return this.opN(opType, inputs, 1, attrs, hint)[0] as string;
  }

  /** Adds a node whose output is `output`, a name reserved earlier with fresh() (graph outputs). */
  opTo(opType: string, inputs: readonly string[], output: string, attrs: Record<string, AttrValue> = {}): string {
    this.nodes.push({
      name: this.fresh(`${output}_node`),
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Adds a node with `outputs` outputs; returns their names. */
  opN(
    opType: string,
    inputs: readonly string[],
    outputs: number,
    attrs: Record<string, AttrValue> = {},
    hint = opType,
  ): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? hint : `${hint}_out${i}`));
    this.nodes.push({
      name: this.fresh(`${hint}_node`),
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Adds an initializer (a constant tensor stored in the file) and returns its name. */
  tensor(
    hint: string,
    type: TensorType,
    dims: readonly number[],
    data: Float32Array | Uint16Array | Int8Array | BigInt64Array,
  ): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType: ELEM_TYPE[type], dims: [...dims], rawData: bytesOf(data) });
    return name;
  }

  /** A shared int64 constant (default shape: a vector of the values; [] for a scalar). */
  int64s(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64[${dims.join(',')}]:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.tensor(
        hint,
        'int64',
        dims,
        BigInt64Array.from(values, (v) => BigInt(v)),
      );
      this.constants.set(key, name);
    }
    return name;
  }

  /** A shared float32 scalar constant. */
  float(hint: string, value: number): string {
    const key = `f32:${Math.fround(value)}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.tensor(hint, 'float32', [], Float32Array.of(value));
      this.constants.set(key, name);
    }
    return name;
  }

  /** The serialised ModelProto. */
  encode(options: {
    inputs: readonly GraphIO[];
    outputs: readonly GraphIO[];
    graphName: string;
    producer: { name: string; version: string };
    docString?: string;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const valueInfo = (io: GraphIO): OnnxTypes.IValueInfoProto => ({
      name: io.name,
      type: {
        tensorType: {
          elemType: ELEM_TYPE[io.type],
          shape: { dim: io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: options.producer.name,
      producerVersion: options.producer.version,
      ...(options.docString ? { docString: options.docString } : {}),
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: options.inputs.map(valueInfo),
        output: options.outputs.map(valueInfo),
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
