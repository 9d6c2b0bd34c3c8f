export declare const LAYERS: Readonly<Record<string, readonly string[]>>;
export declare const ROOT_FILES: Readonly<Record<string, string>>;
export declare function layerRules(root: string): { settings: Record<string, unknown>; policies: unknown[] };
