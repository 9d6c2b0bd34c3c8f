/** The errors the runtime throws (the library's own classes: test them with instanceof, read `code` and `hint`). */
export {
  BrowserBertError,
  CancelledError,
  ConfigError,
  EncoderMismatchError,
  HubError,
  StorageError,
  TokenizerError,
  UsageError,
  WeightsError,
  isCancelled,
  type ErrorCode,
  type HubErrorKind,
} from '../../core/src/errors.ts';
