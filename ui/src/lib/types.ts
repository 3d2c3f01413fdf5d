/**
 * The bridge's types under the names the screens use. The generated bindings describe both what Rust
 * sends (`_Serialize`) and what it accepts (`_Deserialize`); the UI reads what Rust sends.
 */
export type {
  Account,
  AppInfo_Serialize as AppInfo,
  CommandError,
  ConflictChoice,
  ConsentDecision as Decision,
  ConsentReceipt_Serialize as ConsentReceipt,
  ConsentState,
  ConsentView_Serialize as ConsentView,
  Country,
  CredentialStoreKind,
  Draft_Serialize as Draft,
  EmailVerdict_Serialize,
  DraftField as DraftFocus,
  FieldError,
  Helpdesk_Serialize as Helpdesk,
  Locale,
  MaskedInfo_Serialize as MaskedInfo,
  Notice,
  Overview_Serialize as Overview,
  PhoneMode_Deserialize,
  PhoneVerdict_Serialize,
  SubmitOutcome_Serialize as SubmitOutcome,
  SyncReason,
  SyncStatus_Serialize as SyncStatus,
  UpdateState,
  UpdateStatus_Serialize as UpdateStatus,
} from './bindings';
