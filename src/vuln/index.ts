/** The vulnerability module's public surface: the data model, version order, matching and severity. */
export * from './model.ts';
export * from './versions/index.ts';
export * from './match/index.ts';
export * from './severity/index.ts';
